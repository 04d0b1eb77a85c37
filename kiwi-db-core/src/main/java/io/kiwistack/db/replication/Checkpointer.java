package io.kiwistack.db.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConfig;

/**
 * The replicator's own two connections to the database: one that holds a read transaction open
 * (a pin) and one that runs PASSIVE checkpoints. While the pin is held, a checkpoint copies frames
 * into the database file only up to the pin's snapshot, and SQLite can't restart the log; taking
 * the pin before shipping means a checkpoint that completes has only copied frames that were
 * shipped. Neither connection ever begins a write transaction, so the application's writer never
 * waits for them.
 */
final class Checkpointer implements AutoCloseable {

	private final String url;

	private Connection pin;

	private Connection checkpoints;

	/** @param url the database's JDBC URL as its data source opens it, so all connections lock alike */
	Checkpointer(String url) {
		this.url = url;
	}

	/** Begin a read transaction and read, so it holds a snapshot of the log as it is now. */
	void pin() throws SQLException {
		if (this.pin == null) {
			SQLiteConfig config = new SQLiteConfig();
			config.setBusyTimeout(5000);
			this.pin = config.createConnection(this.url);
			// Read-write with query_only rather than opened read-only: under unix-excl locking a
			// read-only connection takes a POSIX lock of its own (see ConnectionOpener).
			try (Statement statement = this.pin.createStatement()) {
				statement.execute("PRAGMA query_only = 1");
			}
		}
		this.pin.setAutoCommit(false);
		try (Statement statement = this.pin.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM sqlite_schema")) {
			rows.next();
		}
	}

	void unpin() throws SQLException {
		if (this.pin != null && !this.pin.getAutoCommit()) {
			this.pin.rollback();
			this.pin.setAutoCommit(true);
		}
	}

	/** Run a PASSIVE checkpoint: copy what it can into the database file without blocking anyone. */
	Result passive() throws SQLException {
		if (this.checkpoints == null) {
			SQLiteConfig config = new SQLiteConfig();
			config.setBusyTimeout(5000);
			this.checkpoints = config.createConnection(this.url);
			try (Statement statement = this.checkpoints.createStatement()) {
				statement.execute("PRAGMA wal_autocheckpoint = 0");
			}
		}
		try (Statement statement = this.checkpoints.createStatement();
				ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
			result.next();
			return new Result(result.getInt(1) != 0, result.getLong(2), result.getLong(3));
		}
	}

	@Override
	public void close() throws SQLException {
		try {
			if (this.pin != null) {
				this.pin.close();
			}
		}
		finally {
			if (this.checkpoints != null) {
				this.checkpoints.close();
			}
		}
	}

	/**
	 * What a checkpoint reported.
	 *
	 * @param busy whether it could not finish because of a lock
	 * @param logFrames frames in the log
	 * @param checkpointedFrames frames now copied into the database file
	 */
	record Result(boolean busy, long logFrames, long checkpointedFrames) {

		/** Whether every frame of the log is in the database file now. */
		boolean complete() {
			return !this.busy && this.logFrames == this.checkpointedFrames;
		}

	}

}
