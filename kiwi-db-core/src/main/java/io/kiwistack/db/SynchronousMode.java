package io.kiwistack.db;

/**
 * SQLite's {@code PRAGMA synchronous} levels, in the order of the numbers SQLite reports for them.
 * With WAL, {@link #NORMAL} survives a process crash; {@link #FULL} also survives power loss, at
 * the cost of an fsync per commit.
 */
public enum SynchronousMode {

	OFF, NORMAL, FULL, EXTRA;

	String sqlName() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
