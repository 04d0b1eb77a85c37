package io.kiwistack.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConnection;

/**
 * What a borrower holds instead of a sqlite-jdbc statement: {@code getConnection()} answers the
 * borrower's handle, never the physical connection, and so do the result sets it opens, whose
 * {@code getStatement()} is this handle (see {@link ResultSetHandle}); a failure says what went
 * wrong in kiwi-db's terms ({@link StatementFailure}). Plain delegation otherwise, written out
 * rather than proxied, because JdbcTemplate-style code calls these methods once per parameter.
 * <p>
 * Closing swaps the driver's statement, and the result sets opened from it, for the
 * {@link ClosedSentinel}, which refuses every call: a cached statement serves the next borrower
 * after this one, and a caller that kept the handle must not reach it. The methods that do
 * kiwi-db's own work before they delegate (an execution begins the borrower's transaction) check
 * first, so a closed statement refuses before that work, not after it.
 */
class KiwiStatement extends StatementOptions {

	final LentConnection connection;

	final SQLiteConnection sqlite;

	private boolean closed;

	/** The handle over the driver's current results: sqlite-jdbc reuses one result set per statement. */
	private ResultSetHandle results;

	private ResultSetHandle generatedKeys;

	KiwiStatement(Statement target, LentConnection connection, SQLiteConnection sqlite) {
		super(target);
		this.connection = connection;
		this.sqlite = sqlite;
	}

	/**
	 * Refuse on a closed statement before kiwi-db's own work for a call (noting its SQL, beginning
	 * the borrower's transaction); the sentinel would refuse only once that work was done.
	 */
	final void refuseIfClosed() throws SQLException {
		if (this.closed) {
			throw new SQLException(ClosedSentinel.STATEMENT_CLOSED);
		}
	}

	void beforeExecute(String sql) throws SQLException {
		refuseIfClosed();
		if (sql != null) {
			this.connection.noteSql(sql);
		}
		this.connection.beforeStatement();
		// Running again closes the statement's previous results, in JDBC; the driver reopens the
		// same result set object, so an old handle must not follow it.
		retireResults();
	}

	void afterExecute() {
		this.connection.statementDone();
	}

	/** The borrower's handle over {@code rows}, the driver's results of this statement. */
	final ResultSet opened(ResultSet rows) {
		if (this.results != null) {
			this.results.retire();
		}
		this.results = (rows != null) ? new ResultSetHandle(rows, this) : null;
		return this.results;
	}

	/** Close the driver's results this statement opened last, if any. */
	final void closeResults() throws SQLException {
		if (this.results != null) {
			this.results.closeRows();
		}
	}

	/** One of this statement's result set handles was closed by its caller. */
	void resultSetClosed(ResultSetHandle rows) throws SQLException {
	}

	final SQLException failed(SQLException ex) {
		// sqlite-jdbc may have finalized the statement; a fresh one is cheaper than doubt.
		this.reusable = false;
		this.connection.statementFailed(ex);
		return StatementFailure.explained(ex, this.connection);
	}

	/** Give the underlying statement up: a plain statement is closed. */
	void release() throws SQLException {
		this.target.close();
	}

	/** From now on the closed sentinel answers for the driver's statement and result sets. */
	void retire() {
		this.target = ClosedSentinel.STATEMENT;
		retireResults();
	}

	private void retireResults() {
		if (this.results != null) {
			this.results.retire();
		}
		if (this.generatedKeys != null) {
			this.generatedKeys.retire();
		}
	}

	@Override
	public final void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.connection.forget(this);
		try {
			release();
		}
		finally {
			retire();
		}
	}

	@Override
	public final boolean isClosed() {
		return this.closed;
	}

	@Override
	public final Connection getConnection() throws SQLException {
		refuseIfClosed();
		return this.connection;
	}

	/**
	 * This handle, or what the driver's statement unwraps to: like the connection's, an explicit way
	 * to sqlite-jdbc's own objects, whose {@code getConnection()} is the physical connection.
	 */
	@Override
	public final <T> T unwrap(Class<T> iface) throws SQLException {
		return iface.isInstance(this) ? iface.cast(this) : this.target.unwrap(iface);
	}

	@Override
	public final boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.target.isWrapperFor(iface);
	}

	@Override
	public String toString() {
		return "kiwi-db statement over " + this.target;
	}

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		beforeExecute(sql);
		try {
			return opened(this.target.executeQuery(sql));
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		return opened(this.target.getResultSet());
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		ResultSet keys = this.target.getGeneratedKeys();
		// The driver answers the same keys until the statement runs again; so does the handle.
		if (this.generatedKeys == null || !this.generatedKeys.isOpenOver(keys)) {
			if (this.generatedKeys != null) {
				this.generatedKeys.retire();
			}
			this.generatedKeys = (keys != null) ? new ResultSetHandle(keys, this) : null;
		}
		return this.generatedKeys;
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.execute(sql);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.execute(sql, autoGeneratedKeys);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String sql, int[] columnIndexes) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.execute(sql, columnIndexes);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String sql, String[] columnNames) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.execute(sql, columnNames);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String sql) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeUpdate(sql);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeUpdate(sql, autoGeneratedKeys);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeUpdate(sql, columnIndexes);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String sql, String[] columnNames) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeUpdate(sql, columnNames);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String sql) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeLargeUpdate(sql);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeLargeUpdate(sql, autoGeneratedKeys);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeLargeUpdate(sql, columnIndexes);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
		beforeExecute(sql);
		try {
			return this.target.executeLargeUpdate(sql, columnNames);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public void addBatch(String sql) throws SQLException {
		refuseIfClosed();
		this.connection.noteSql(sql);
		this.target.addBatch(sql);
	}

	@Override
	public int[] executeBatch() throws SQLException {
		beforeExecute(null);
		try {
			return this.target.executeBatch();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long[] executeLargeBatch() throws SQLException {
		beforeExecute(null);
		try {
			return this.target.executeLargeBatch();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

}
