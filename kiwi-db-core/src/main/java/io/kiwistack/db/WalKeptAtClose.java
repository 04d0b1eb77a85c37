package io.kiwistack.db;

import java.nio.file.Path;

/**
 * What a close on a full disk kept: the write-ahead log beside the database, which could not be
 * checkpointed into it. The log holds committed transactions and SQLite reads it back when the
 * database is opened next, so nothing committed is lost.
 *
 * @param database the database file
 * @param wal the write-ahead log kept beside it
 * @param walSize the log's size in bytes
 * @param error what SQLite reported when the checkpoint failed
 */
public record WalKeptAtClose(Path database, Path wal, long walSize, String error) {

	/** The warning to log about it. */
	public String message() {
		return "Closed the kiwi-db database " + this.database + " with its write-ahead log kept (" + this.wal + ", "
				+ this.walSize + " bytes): the disk is full, so the log could not be checkpointed into the database ("
				+ this.error + "). No committed transaction is lost: SQLite reads the log back when the database is "
				+ "opened next, and checkpoints it once there is space.";
	}

}
