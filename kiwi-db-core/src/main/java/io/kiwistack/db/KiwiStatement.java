package io.kiwistack.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * What a borrower holds instead of a sqlite-jdbc statement: {@code getConnection()} answers the
 * borrower's handle, never the physical connection; a closed statement refuses every call; a
 * write refused because the connection only reads says why. Plain delegation otherwise, written
 * out rather than proxied, because JdbcTemplate-style code calls these methods once per parameter.
 */
class KiwiStatement implements Statement {

	private final Statement target;

	final LentConnection connection;

	final SQLiteConnection sqlite;

	/** Whether the statement can go back to a cache: no failed execution, no lasting setting. */
	boolean reusable = true;

	private boolean closed;

	private ResultSet lastResultSet;

	KiwiStatement(Statement target, LentConnection connection, SQLiteConnection sqlite) {
		this.target = target;
		this.connection = connection;
		this.sqlite = sqlite;
	}

	final void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("This statement is closed");
		}
	}

	void beforeExecute(String sql) throws SQLException {
		checkOpen();
		if (sql != null) {
			this.connection.noteSql(sql);
		}
		this.connection.beforeStatement();
	}

	void afterExecute() {
		this.connection.statementDone();
	}

	final ResultSet opened(ResultSet resultSet) {
		this.lastResultSet = resultSet;
		return resultSet;
	}

	final ResultSet lastResultSet() {
		return this.lastResultSet;
	}

	final SQLException failed(SQLException ex) {
		// sqlite-jdbc may have finalized the statement; a fresh one is cheaper than doubt.
		this.reusable = false;
		this.connection.statementFailed(ex);
		if (ex.getErrorCode() != SQLiteErrorCode.SQLITE_READONLY.code || !this.connection.servesReadOnly()) {
			return SqlStateMapping.standardized(ex);
		}
		if (this.connection.replicaOf() != null) {
			return SqlStateMapping.readOnly("This node is a read replica following " + this.connection.replicaOf()
					+ ": it applies the primary's transactions and takes no writes of its own. Send writes to the primary. ("
					+ ex.getMessage() + ")", ex);
		}
		return SqlStateMapping.readOnly("A read-only transaction tried to write: " + ex.getMessage()
				+ ". Reads in @Transactional(readOnly = true) run on kiwi-db's read-only connections; "
				+ "run writes in a read-write transaction.", ex);
	}

	/** Give the underlying statement up: a plain statement is closed. */
	void release() throws SQLException {
		this.target.close();
	}

	@Override
	public final void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.connection.forget(this);
		release();
	}

	@Override
	public final boolean isClosed() {
		return this.closed;
	}

	@Override
	public final Connection getConnection() throws SQLException {
		checkOpen();
		return this.connection;
	}

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
	public boolean execute(String a0, int[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.execute(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String a0, int a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.execute(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String a0, String[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.execute(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean execute(String a0) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.execute(a0);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public boolean getMoreResults(int a0) throws SQLException {
		checkOpen();
		return this.target.getMoreResults(a0);
	}

	@Override
	public boolean getMoreResults() throws SQLException {
		checkOpen();
		return this.target.getMoreResults();
	}

	@Override
	public boolean isCloseOnCompletion() throws SQLException {
		checkOpen();
		return this.target.isCloseOnCompletion();
	}

	@Override
	public boolean isPoolable() throws SQLException {
		checkOpen();
		return this.target.isPoolable();
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
	public int executeUpdate(String a0, int[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String a0, int a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String a0, String[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate(String a0) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeUpdate(a0);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int getFetchDirection() throws SQLException {
		checkOpen();
		return this.target.getFetchDirection();
	}

	@Override
	public int getFetchSize() throws SQLException {
		checkOpen();
		return this.target.getFetchSize();
	}

	@Override
	public int getMaxFieldSize() throws SQLException {
		checkOpen();
		return this.target.getMaxFieldSize();
	}

	@Override
	public int getMaxRows() throws SQLException {
		checkOpen();
		return this.target.getMaxRows();
	}

	@Override
	public int getQueryTimeout() throws SQLException {
		checkOpen();
		return this.target.getQueryTimeout();
	}

	@Override
	public int getResultSetConcurrency() throws SQLException {
		checkOpen();
		return this.target.getResultSetConcurrency();
	}

	@Override
	public int getResultSetHoldability() throws SQLException {
		checkOpen();
		return this.target.getResultSetHoldability();
	}

	@Override
	public int getResultSetType() throws SQLException {
		checkOpen();
		return this.target.getResultSetType();
	}

	@Override
	public int getUpdateCount() throws SQLException {
		checkOpen();
		return this.target.getUpdateCount();
	}

	@Override
	public ResultSet executeQuery(String a0) throws SQLException {
		beforeExecute(a0);
		try {
			return opened(this.target.executeQuery(a0));
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		checkOpen();
		return this.target.getGeneratedKeys();
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		checkOpen();
		return opened(this.target.getResultSet());
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		checkOpen();
		return this.target.getWarnings();
	}

	@Override
	public void addBatch(String a0) throws SQLException {
		checkOpen();
		this.connection.noteSql(a0);
		this.target.addBatch(a0);
	}

	@Override
	public void cancel() throws SQLException {
		checkOpen();
		this.target.cancel();
	}

	@Override
	public void clearBatch() throws SQLException {
		checkOpen();
		this.target.clearBatch();
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		this.target.clearWarnings();
	}

	@Override
	public void closeOnCompletion() throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.closeOnCompletion();
	}

	@Override
	public void setCursorName(String a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setCursorName(a0);
	}

	@Override
	public void setEscapeProcessing(boolean a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setEscapeProcessing(a0);
	}

	@Override
	public void setFetchDirection(int a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setFetchDirection(a0);
	}

	@Override
	public void setFetchSize(int a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setFetchSize(a0);
	}

	@Override
	public void setMaxFieldSize(int a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setMaxFieldSize(a0);
	}

	@Override
	public void setMaxRows(int a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setMaxRows(a0);
	}

	@Override
	public void setPoolable(boolean a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setPoolable(a0);
	}

	@Override
	public void setQueryTimeout(int a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setQueryTimeout(a0);
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

	@Override
	public long executeLargeUpdate(String a0, int[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeLargeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String a0, int a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeLargeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String a0, String[] a1) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeLargeUpdate(a0, a1);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long executeLargeUpdate(String a0) throws SQLException {
		beforeExecute(a0);
		try {
			return this.target.executeLargeUpdate(a0);
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public long getLargeMaxRows() throws SQLException {
		checkOpen();
		return this.target.getLargeMaxRows();
	}

	@Override
	public long getLargeUpdateCount() throws SQLException {
		checkOpen();
		return this.target.getLargeUpdateCount();
	}

	@Override
	public void setLargeMaxRows(long a0) throws SQLException {
		checkOpen();
		this.reusable = false;
		this.target.setLargeMaxRows(a0);
	}
}
