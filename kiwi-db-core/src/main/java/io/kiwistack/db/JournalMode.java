package io.kiwistack.db;

/**
 * SQLite journal modes, as accepted by {@code PRAGMA journal_mode}.
 * {@link #WAL} is the default: readers never block the writer, and a commit needs no fsync of the
 * database file.
 */
public enum JournalMode {

	DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF;

	String sqlName() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
