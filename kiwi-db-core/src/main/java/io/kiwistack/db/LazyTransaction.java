package io.kiwistack.db;

import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * A borrower's transaction boundaries on one connection, with the {@code BEGIN} held back until the
 * first statement runs. sqlite-jdbc begins the next transaction the moment one commits, so the
 * usual {@code setAutoCommit(false)}, work, {@code commit()}, {@code setAutoCommit(true)} costs an
 * extra empty transaction; for the writer, whose transactions begin {@code IMMEDIATE}, that is a
 * second round of taking and dropping the write lock per transaction (about a quarter of a
 * single-row write). Here a transaction begins at its first statement and ends at commit or
 * rollback, and the borrower sees auto-commit exactly as it set it.
 */
final class LazyTransaction {

	private final SQLiteConnection connection;

	/** The writer's watch for a full disk, told of each commit; {@code null} on a reader. */
	private final DiskFullWatch diskFull;

	/** Auto-commit is off for the borrower, but no transaction has begun in SQLite yet. */
	private boolean beginPending;

	/** This borrower's transaction has begun in SQLite and not ended yet. */
	private boolean open;

	/** SQLite's count of changed rows when this borrower's transaction began. */
	private long changesAtBegin;

	/**
	 * The connection's total changes when the running transaction (or statement, in auto-commit
	 * mode) began, counted only while writes fail for lack of space; -1 otherwise.
	 */
	private long changesAtStart = -1;

	/** Who is told of the writer's commits; {@code null} on a reader. */
	private final CommitWatch commitWatch;

	/** SQLite's count of changed rows before a statement outside a transaction, while someone listens; -1 otherwise. */
	private long changesBeforeStatement = -1;

	LazyTransaction(SQLiteConnection connection, DiskFullWatch diskFull, CommitWatch commitWatch) {
		this.connection = connection;
		this.diskFull = diskFull;
		this.commitWatch = commitWatch;
	}

	/** Begin the borrower's transaction if it is still waiting for its first statement. */
	void beginIfPending() throws SQLException {
		if (this.beginPending) {
			try {
				this.connection.setAutoCommit(false);
			}
			catch (SQLException ex) {
				// The driver marks the transaction open before its BEGIN runs; when the BEGIN fails
				// (another process holds the write lock), no transaction is open, and the next
				// statement must try to begin again rather than run on its own.
				this.connection.getConnectionConfig().setAutoCommit(true);
				throw SqlStateMapping.standardized(ex);
			}
			this.beginPending = false;
			this.open = true;
			this.changesAtBegin = this.connection.getDatabase().total_changes();
			this.changesAtStart = changesIfFailing();
		}
		else if (this.connection.getConnectionConfig().isAutoCommit()) {
			if (this.diskFull != null && this.diskFull.failing()) {
				this.changesAtStart = changesIfFailing();
			}
			if (this.commitWatch != null && this.commitWatch.anyoneListens()) {
				this.changesBeforeStatement = this.connection.getDatabase().total_changes();
			}
		}
	}

	/** After a statement ran: outside a transaction it committed by itself. */
	void statementDone() {
		if (this.diskFull != null && this.diskFull.failing() && autoCommitting()) {
			this.diskFull.committed(this.connection, this.changesAtStart);
		}
		if (this.changesBeforeStatement >= 0) {
			long before = this.changesBeforeStatement;
			this.changesBeforeStatement = -1;
			try {
				if (autoCommitting() && this.connection.getDatabase().total_changes() != before) {
					this.commitWatch.committed();
				}
			}
			catch (SQLException ex) {
				// A closed connection changed nothing more.
			}
		}
	}

	private long changesIfFailing() {
		return (this.diskFull != null && this.diskFull.failing()) ? this.diskFull.changes(this.connection) : -1;
	}

	boolean getAutoCommit() throws SQLException {
		return !this.beginPending && this.connection.getAutoCommit();
	}

	private boolean autoCommitting() {
		return !this.beginPending && this.connection.getConnectionConfig().isAutoCommit();
	}

	void setAutoCommit(boolean autoCommit) throws SQLException {
		if (autoCommit) {
			if (this.beginPending) {
				// Nothing ran since the last boundary: nothing to commit.
				this.beginPending = false;
			}
			else {
				commitAndEnd();
				this.open = false;
			}
		}
		else if (!this.beginPending && this.connection.getAutoCommit()) {
			this.beginPending = true;
		}
	}

	void commit() throws SQLException {
		if (this.beginPending) {
			return;
		}
		if (this.connection.getAutoCommit()) {
			// The driver's own refusal: committing in auto-commit mode is an error.
			this.connection.commit();
		}
		try {
			// Commits, without sqlite-jdbc's eager BEGIN of the next transaction.
			commitAndEnd();
		}
		catch (SQLException ex) {
			// The COMMIT failed (a deferred foreign key, say) and the transaction is still open:
			// the driver must see it as open too, so that the caller's rollback reaches SQLite.
			this.connection.getConnectionConfig().setAutoCommit(false);
			throw ex;
		}
		this.beginPending = true;
		this.open = false;
	}

	/**
	 * End the open transaction if SQLite counts no row changed since it began, and leave the
	 * borrower waiting to begin its next one at its next statement.
	 * @return whether no transaction is open now
	 */
	boolean endIfUnchanged() throws SQLException {
		if (!this.open) {
			return true;
		}
		if (this.connection.getDatabase().total_changes() != this.changesAtBegin) {
			return false;
		}
		commitAndEnd();
		this.open = false;
		this.beginPending = true;
		return true;
	}

	/** Whether this borrower has a transaction open in SQLite. */
	boolean open() {
		return this.open;
	}

	private void commitAndEnd() throws SQLException {
		boolean changed = this.commitWatch != null && this.open
				&& this.connection.getDatabase().total_changes() != this.changesAtBegin;
		try {
			this.connection.setAutoCommit(true);
		}
		catch (SQLException ex) {
			if (this.diskFull != null) {
				this.diskFull.failed(ex, this.connection);
			}
			throw SqlStateMapping.standardized(ex);
		}
		if (this.diskFull != null && this.diskFull.failing()) {
			this.diskFull.committed(this.connection, this.changesAtStart);
		}
		this.changesAtStart = -1;
		if (changed) {
			this.commitWatch.committed();
		}
	}

	void rollback() throws SQLException {
		if (this.beginPending) {
			return;
		}
		if (this.connection.getAutoCommit()) {
			// The driver's own refusal: rolling back in auto-commit mode is an error.
			this.connection.rollback();
		}
		// ROLLBACK by itself: the driver's rollback() would begin the next transaction at once.
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("ROLLBACK");
		}
		catch (SQLException ex) {
			// SQLite rolls a transaction back by itself when a write fails for lack of space (or I/O,
			// or memory); ROLLBACK then fails with SQLITE_ERROR, "no transaction is active", and
			// the rollback the caller asked for is done.
			if (ex.getErrorCode() != SQLiteErrorCode.SQLITE_ERROR.code) {
				throw SqlStateMapping.standardized(ex);
			}
		}
		this.connection.getConnectionConfig().setAutoCommit(true);
		this.connection.setCurrentTransactionMode(null);
		this.beginPending = true;
		this.open = false;
		this.changesAtStart = -1;
	}

}
