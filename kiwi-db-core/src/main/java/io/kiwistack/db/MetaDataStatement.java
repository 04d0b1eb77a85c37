package io.kiwistack.db;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The statement handle behind a result set from {@link DatabaseMetaData}. The driver ran the query
 * on a statement of its own, and keeps some of those statements for the next call on the same
 * connection, so closing this handle closes only the result set, never the driver's statement;
 * and closing the result set closes the handle. Like any statement of the borrower, it is closed
 * on return if the borrower forgot it.
 */
final class MetaDataStatement extends KiwiStatement {

	private MetaDataStatement(Statement target, LentConnection connection) {
		super(target, connection, connection.physicalConnection().connection());
	}

	/** The borrower's handle over {@code rows}, a result set the driver's metadata returned. */
	static ResultSet opened(ResultSet rows, LentConnection connection) throws SQLException {
		Statement producer = rows.getStatement();
		if (producer == null) {
			// Nothing in it leads to the connection.
			return rows;
		}
		return connection.track(new MetaDataStatement(producer, connection)).opened(rows);
	}

	@Override
	void release() throws SQLException {
		closeResults();
	}

	@Override
	void resultSetClosed(ResultSetHandle rows) throws SQLException {
		close();
	}

}
