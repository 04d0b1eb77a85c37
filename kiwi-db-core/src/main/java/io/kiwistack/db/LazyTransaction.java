package io.kiwistack.db;

import java.sql.SQLException;

import org.sqlite.SQLiteConnection;

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

	/** Auto-commit is off for the borrower, but no transaction has begun in SQLite yet. */
	private boolean beginPending;

	LazyTransaction(SQLiteConnection connection) {
		this.connection = connection;
	}

	/** Begin the borrower's transaction if it is still waiting for its first statement. */
	void beginIfPending() throws SQLException {
		if (this.beginPending) {
			this.beginPending = false;
			this.connection.setAutoCommit(false);
		}
	}

	boolean getAutoCommit() throws SQLException {
		return !this.beginPending && this.connection.getAutoCommit();
	}

	void setAutoCommit(boolean autoCommit) throws SQLException {
		if (autoCommit) {
			if (this.beginPending) {
				// Nothing ran since the last boundary: nothing to commit.
				this.beginPending = false;
			}
			else {
				this.connection.setAutoCommit(true);
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
			this.connection.setAutoCommit(true);
		}
		catch (SQLException ex) {
			// The COMMIT failed (a deferred foreign key, say) and the transaction is still open:
			// the driver must see it as open too, so that the caller's rollback reaches SQLite.
			this.connection.getConnectionConfig().setAutoCommit(false);
			throw ex;
		}
		this.beginPending = true;
	}

	void rollback() throws SQLException {
		if (this.beginPending) {
			return;
		}
		// The driver rolls back and begins the next transaction at once; end that empty one too,
		// so the next transaction begins with its first statement like after a commit.
		this.connection.rollback();
		this.connection.setAutoCommit(true);
		this.beginPending = true;
	}

}
