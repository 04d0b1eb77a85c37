package io.kiwistack.db;

import java.nio.file.Path;

/**
 * The JDBC URL kiwi-db opens a database with. A file database taken by the process exclusively is
 * named as a SQLite URI, which is how a connection selects the {@code unix-excl} file locking.
 */
final class SqliteUrl {

	/** SQLite's Unix file locking with one process-wide exclusive lock instead of a lock per transaction. */
	static final String PROCESS_EXCLUSIVE_VFS = "unix-excl";

	private SqliteUrl() {
	}

	/**
	 * @param settings the database's settings
	 * @param file the database file, {@code null} for an in-memory database
	 */
	static String of(KiwiDbSettings settings, Path file) {
		if (file == null) {
			return "jdbc:sqlite:" + KiwiDbSettings.IN_MEMORY;
		}
		if (!processExclusive(settings, file)) {
			return "jdbc:sqlite:" + file;
		}
		return "jdbc:sqlite:file:" + uriPath(file) + "?vfs=" + PROCESS_EXCLUSIVE_VFS;
	}

	/** Whether connections to {@code file} take it for the process: asked for, and possible here. */
	static boolean processExclusive(KiwiDbSettings settings, Path file) {
		return file != null && settings.processExclusive() && unixLike();
	}

	private static boolean unixLike() {
		// SQLite's Unix VFSes exist wherever the path separator is '/': Linux, macOS, the BSDs.
		return java.io.File.separatorChar == '/';
	}

	/** The path as a URI path: the characters a SQLite URI gives a meaning to, escaped. */
	private static String uriPath(Path file) {
		String path = file.toAbsolutePath().toString();
		StringBuilder uri = new StringBuilder(path.length() + 8);
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			switch (c) {
				case '%' -> uri.append("%25");
				case '?' -> uri.append("%3F");
				case '#' -> uri.append("%23");
				default -> uri.append(c);
			}
		}
		return uri.toString();
	}

}
