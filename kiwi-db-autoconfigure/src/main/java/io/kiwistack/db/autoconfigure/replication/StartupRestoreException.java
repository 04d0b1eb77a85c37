package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Path;

import io.kiwistack.db.replication.ReplicaException;

/**
 * The database file was missing and could not be restored from its replica on startup, so the
 * service did not start: starting empty would lose the data the replica holds.
 */
public class StartupRestoreException extends RuntimeException {

	private final Path database;

	private final String replica;

	StartupRestoreException(Path database, String replica, ReplicaException cause) {
		super("Restoring " + database + " from " + replica + " failed: " + cause.getMessage(), cause);
		this.database = database;
		this.replica = replica;
	}

	/** The database file that was not restored. */
	public Path database() {
		return this.database;
	}

	/** The replica, without secrets. */
	public String replica() {
		return this.replica;
	}

}
