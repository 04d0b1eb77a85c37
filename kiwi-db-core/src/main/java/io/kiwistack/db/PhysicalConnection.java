package io.kiwistack.db;

import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConnection;

/**
 * One open SQLite connection and the prepared statements cached for it; they live and die
 * together.
 */
final class PhysicalConnection implements AutoCloseable {

	private final SQLiteConnection connection;

	private final StatementCache statements;

	PhysicalConnection(SQLiteConnection connection, int statementCacheSize) {
		this.connection = connection;
		this.statements = new StatementCache(connection, statementCacheSize);
	}

	SQLiteConnection connection() {
		return this.connection;
	}

	StatementCache statements() {
		return this.statements;
	}

	boolean isClosed() throws SQLException {
		return this.connection.isClosed();
	}

	void execute(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

	@Override
	public void close() throws SQLException {
		this.statements.clear();
		this.connection.close();
	}

}
