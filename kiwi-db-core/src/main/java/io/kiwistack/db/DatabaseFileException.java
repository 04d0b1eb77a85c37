package io.kiwistack.db;

import java.nio.file.Path;

/**
 * The database file can't be used as it is: a directory stands at its path, its directory can't be
 * written, it is not a SQLite database, or it is a damaged one ({@link DamagedDatabaseException}).
 * Thrown before anything on disk is created or changed.
 */
public class DatabaseFileException extends RuntimeException {

	private final Path file;

	private final String problem;

	private final String fix;

	public DatabaseFileException(Path file, String problem, String fix) {
		this(file, problem, fix, null);
	}

	public DatabaseFileException(Path file, String problem, String fix, Throwable cause) {
		super("Database file " + file + ": " + problem + ". " + fix, cause);
		this.file = file;
		this.problem = problem;
		this.fix = fix;
	}

	/** The database file the problem is about. */
	public Path file() {
		return this.file;
	}

	/** What is wrong, in a few words that follow the file's name. */
	public String problem() {
		return this.problem;
	}

	/** What the user can do about it. */
	public String fix() {
		return this.fix;
	}

}
