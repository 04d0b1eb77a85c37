package io.kiwistack.db;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * Whether the writer's writes fail for lack of space. A statement or commit that fails with
 * {@code SQLITE_FULL} marks them failing; a later commit that changed rows clears the mark, since
 * a commit of reads alone proves nothing on a full disk. Only a failure and the first commit after
 * one write the volatile state; every other statement and commit only reads it.
 */
final class DiskFullWatch {

	private volatile Failing failing;

	static boolean isDiskFull(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof SQLException sql && (sql.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_FULL.code) {
				return true;
			}
		}
		return false;
	}

	boolean failing() {
		return this.failing != null;
	}

	Optional<DiskFull> current() {
		Failing current = this.failing;
		return (current != null) ? Optional.of(current.diskFull()) : Optional.empty();
	}

	void failed(SQLException failure, SQLiteConnection connection) {
		if (!isDiskFull(failure)) {
			return;
		}
		Failing current = this.failing;
		Instant since = (current != null) ? current.diskFull().since() : Instant.now();
		// Unknown changes count as many: only a commit on another connection can clear the mark then.
		long changes = totalChanges(connection, Long.MAX_VALUE);
		this.failing = new Failing(new DiskFull(since, failure.getMessage()), connection, changes);
	}

	/**
	 * After {@code connection} committed: clear the mark if the commit wrote rows.
	 * @param changesAtStart the connection's {@link #changes} when the committed work began, or -1
	 * when writes did not fail yet then
	 */
	void committed(SQLiteConnection connection, long changesAtStart) {
		Failing current = this.failing;
		if (current == null) {
			return;
		}
		// A writer connection opened since the failure counts its changes from zero.
		long atFailure = (current.connection() == connection) ? current.changesAtFailure() : 0;
		long before = Math.max(atFailure, changesAtStart);
		if (totalChanges(connection, before) > before) {
			this.failing = null;
		}
	}

	/** The rows {@code connection} changed since it opened, in statements that completed. */
	long changes(SQLiteConnection connection) {
		return totalChanges(connection, Long.MAX_VALUE);
	}

	private static long totalChanges(SQLiteConnection connection, long otherwise) {
		try {
			return connection.getDatabase().total_changes();
		}
		catch (SQLException ex) {
			return otherwise;
		}
	}

	private record Failing(DiskFull diskFull, SQLiteConnection connection, long changesAtFailure) {
	}

}
