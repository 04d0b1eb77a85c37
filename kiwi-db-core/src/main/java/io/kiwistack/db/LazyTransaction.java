package io.kiwistack.db;

import java.sql.SQLException;
import java.sql.Statement;

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
			try {
				this.connection.setAutoCommit(false);
			}
			catch (SQLException ex) {
				// The driver marks the transaction open before its BEGIN runs; when the BEGIN fails
				// (another process holds the write lock), no transaction is open, and the next
				// statement must try to begin again rather than run on its own.
				this.connection.getConnectionConfig().setAutoCommit(true);
				throw ex;
			}
			this.beginPending = false;
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
		if (this.connection.getAutoCommit()) {
			// The driver's own refusal: rolling back in auto-commit mode is an error.
			this.connection.rollback();
		}
		// ROLLBACK by itself: the driver's rollback() would begin the next transaction at once.
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("ROLLBACK");
		}
		this.connection.getConnectionConfig().setAutoCommit(true);
		this.connection.setCurrentTransactionMode(null);
		this.beginPending = true;
	}

}
