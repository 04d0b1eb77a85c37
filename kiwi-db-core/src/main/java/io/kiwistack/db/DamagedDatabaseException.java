package io.kiwistack.db;

import java.nio.file.Path;

/**
 * The database file is a damaged SQLite database: cut short, its header corrupt, or SQLite finds it
 * malformed when it opens it. kiwi-db neither repairs nor removes it; the way out is to move it
 * away and restore the database from a replica or a backup.
 */
public class DamagedDatabaseException extends DatabaseFileException {

	private static final String FIX = "Move it away, together with its -wal and -shm files if there are any, and "
			+ "restore the database from a replica or a backup; kiwi-db never deletes or repairs a damaged database";

	public DamagedDatabaseException(Path file, String problem) {
		super(file, problem, FIX);
	}

	public DamagedDatabaseException(Path file, String problem, Throwable cause) {
		super(file, problem, FIX, cause);
	}

}
