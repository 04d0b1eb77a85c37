package io.kiwistack.db;

import java.sql.SQLException;

import org.sqlite.SQLiteErrorCode;

/**
 * What a borrower is told when a statement fails. SQLite refusing a write because the connection
 * only reads says why, and what to do instead: a read replica takes no writes of its own, and a
 * read-only transaction runs on a connection that can't write. Any other failure keeps SQLite's
 * message, with a standard SQLState.
 */
final class StatementFailure {

	private StatementFailure() {
	}

	static SQLException explained(SQLException ex, LentConnection connection) {
		if (ex.getErrorCode() != SQLiteErrorCode.SQLITE_READONLY.code || !connection.servesReadOnly()) {
			return SqlStateMapping.standardized(ex);
		}
		if (connection.replicaOf() != null) {
			return SqlStateMapping.readOnly("This node is a read replica following " + connection.replicaOf()
					+ ": it applies the primary's transactions and takes no writes of its own. Send writes to the primary. ("
					+ ex.getMessage() + ")", ex);
		}
		return SqlStateMapping.readOnly("A read-only transaction tried to write: " + ex.getMessage()
				+ ". Reads in @Transactional(readOnly = true) run on kiwi-db's read-only connections; "
				+ "run writes in a read-write transaction.", ex);
	}

}
