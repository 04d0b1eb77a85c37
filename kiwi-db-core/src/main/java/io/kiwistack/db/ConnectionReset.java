package io.kiwistack.db;

import java.sql.Connection;
import java.sql.SQLException;

import org.sqlite.SQLiteConnection;

/**
 * Puts a returned connection back the way the next borrower expects it: statements closed, an
 * open transaction rolled back (also one begun in SQL), auto-commit on, isolation serializable. Throws when the connection
 * is broken, so its lender replaces it.
 */
final class ConnectionReset {

	private ConnectionReset() {
	}

	private static void rollbackIfActive(PhysicalConnection connection) {
		try {
			connection.execute("ROLLBACK");
		}
		catch (SQLException ex) {
			// No transaction was open any more: the borrower committed or rolled back itself.
		}
	}

	static void reset(LentConnection lent) throws SQLException {
		lent.closeOpenStatements();
		SQLiteConnection connection = lent.physicalConnection().connection();
		if (connection.isClosed()) {
			throw new SQLException("the connection was closed underneath its handle");
		}
		if (!connection.getAutoCommit()) {
			connection.rollback();
			connection.setAutoCommit(true);
		}
		else if (lent.transactionBegunInSql()) {
			rollbackIfActive(lent.physicalConnection());
		}
		if (connection.getTransactionIsolation() != Connection.TRANSACTION_SERIALIZABLE) {
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		}
	}

}
