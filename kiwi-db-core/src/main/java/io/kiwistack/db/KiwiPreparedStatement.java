package io.kiwistack.db;

import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;

import org.sqlite.SQLiteConnection;

/**
 * A {@link KiwiStatement} for a prepared statement. Closing it returns the statement to its
 * connection's {@link StatementCache}, parameters and batch cleared. It asks sqlite-jdbc for
 * generated keys only around its own executions, and only when it was prepared to return them:
 * the driver otherwise runs an extra query after every insert. Its parameters are bound by
 * {@link PreparedStatementParameters}.
 */
final class KiwiPreparedStatement extends PreparedStatementParameters {

	private final StatementCache cache;

	private final StatementKey key;

	private boolean batched;

	KiwiPreparedStatement(PreparedStatement prepared, LentConnection connection, SQLiteConnection sqlite,
			StatementCache cache, StatementKey key) {
		super(prepared, connection, sqlite);
		this.cache = cache;
		this.key = key;
	}

	private boolean returnsGeneratedKeys() {
		return this.key != null && this.key.returnsGeneratedKeys();
	}

	@Override
	void beforeExecute(String sql) throws SQLException {
		super.beforeExecute(sql);
		if (returnsGeneratedKeys()) {
			this.sqlite.getConnectionConfig().setGetGeneratedKeys(true);
		}
	}

	@Override
	void afterExecute() {
		if (returnsGeneratedKeys()) {
			this.sqlite.getConnectionConfig().setGetGeneratedKeys(false);
		}
		super.afterExecute();
	}

	@Override
	void release() throws SQLException {
		if (this.cache == null || !this.reusable || this.prepared.isClosed()) {
			this.prepared.close();
			return;
		}
		try {
			closeResults();
			this.prepared.clearParameters();
			if (this.batched) {
				this.prepared.clearBatch();
			}
			this.cache.putBack(this.key, this.prepared);
		}
		catch (SQLException ex) {
			this.prepared.close();
			throw ex;
		}
	}

	@Override
	public boolean execute() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.execute();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.executeUpdate();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.executeLargeUpdate();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		beforeExecute(null);
		try {
			return opened(this.prepared.executeQuery());
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public void addBatch() throws SQLException {
		this.batched = true;
		this.prepared.addBatch();
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		return this.prepared.getParameterMetaData();
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.prepared.getMetaData();
	}

}
