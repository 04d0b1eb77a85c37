package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The replica could not be read on startup, while the database file was being made ready from it
 * (a restore, a read replica's copy, the check that no other primary holds it), so the service did
 * not start: without the replica it can't tell whether starting empty would lose data.
 */
public class ReplicaUnreachableException extends RuntimeException {

	private final Path database;

	private final String replica;

	ReplicaUnreachableException(Path database, String replica, IOException cause) {
		super("Reading replica " + replica + " for " + database + " failed: " + cause.getMessage(), cause);
		this.database = database;
		this.replica = replica;
	}

	/** The database file the replica was read for. */
	public Path database() {
		return this.database;
	}

	/** The replica, without secrets. */
	public String replica() {
		return this.replica;
	}

}
