package io.kiwistack.db;

import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * The options and state of a statement handle, passed through to the driver's statement. Setting
 * an option marks the statement unfit for the {@link StatementCache}: the next borrower of a cached
 * statement expects the driver's defaults. A closed handle's {@link #target} is the
 * {@link ClosedSentinel}, which refuses every call.
 * @see KiwiStatement
 */
abstract class StatementOptions implements Statement {

	/** The driver's statement while the handle is open, the closed sentinel after. */
	Statement target;

	/** Whether the statement can go back to a cache: no failed execution, no lasting setting. */
	boolean reusable = true;

	StatementOptions(Statement target) {
		this.target = target;
	}

	@Override
	public boolean getMoreResults(int current) throws SQLException {
		return this.target.getMoreResults(current);
	}

	@Override
	public boolean getMoreResults() throws SQLException {
		return this.target.getMoreResults();
	}

	@Override
	public boolean isCloseOnCompletion() throws SQLException {
		return this.target.isCloseOnCompletion();
	}

	@Override
	public boolean isPoolable() throws SQLException {
		return this.target.isPoolable();
	}

	@Override
	public int getFetchDirection() throws SQLException {
		return this.target.getFetchDirection();
	}

	@Override
	public int getFetchSize() throws SQLException {
		return this.target.getFetchSize();
	}

	@Override
	public int getMaxFieldSize() throws SQLException {
		return this.target.getMaxFieldSize();
	}

	@Override
	public int getMaxRows() throws SQLException {
		return this.target.getMaxRows();
	}

	@Override
	public long getLargeMaxRows() throws SQLException {
		return this.target.getLargeMaxRows();
	}

	@Override
	public int getQueryTimeout() throws SQLException {
		return this.target.getQueryTimeout();
	}

	@Override
	public int getResultSetConcurrency() throws SQLException {
		return this.target.getResultSetConcurrency();
	}

	@Override
	public int getResultSetHoldability() throws SQLException {
		return this.target.getResultSetHoldability();
	}

	@Override
	public int getResultSetType() throws SQLException {
		return this.target.getResultSetType();
	}

	@Override
	public int getUpdateCount() throws SQLException {
		return this.target.getUpdateCount();
	}

	@Override
	public long getLargeUpdateCount() throws SQLException {
		return this.target.getLargeUpdateCount();
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		return this.target.getWarnings();
	}

	@Override
	public void clearWarnings() throws SQLException {
		this.target.clearWarnings();
	}

	@Override
	public void cancel() throws SQLException {
		this.target.cancel();
	}

	@Override
	public void clearBatch() throws SQLException {
		this.target.clearBatch();
	}

	@Override
	public void closeOnCompletion() throws SQLException {
		this.reusable = false;
		this.target.closeOnCompletion();
	}

	@Override
	public void setCursorName(String name) throws SQLException {
		this.reusable = false;
		this.target.setCursorName(name);
	}

	@Override
	public void setEscapeProcessing(boolean enable) throws SQLException {
		this.reusable = false;
		this.target.setEscapeProcessing(enable);
	}

	@Override
	public void setFetchDirection(int direction) throws SQLException {
		this.reusable = false;
		this.target.setFetchDirection(direction);
	}

	@Override
	public void setFetchSize(int rows) throws SQLException {
		this.reusable = false;
		this.target.setFetchSize(rows);
	}

	@Override
	public void setMaxFieldSize(int max) throws SQLException {
		this.reusable = false;
		this.target.setMaxFieldSize(max);
	}

	@Override
	public void setMaxRows(int max) throws SQLException {
		this.reusable = false;
		this.target.setMaxRows(max);
	}

	@Override
	public void setLargeMaxRows(long max) throws SQLException {
		this.reusable = false;
		this.target.setLargeMaxRows(max);
	}

	@Override
	public void setPoolable(boolean poolable) throws SQLException {
		this.reusable = false;
		this.target.setPoolable(poolable);
	}

	@Override
	public void setQueryTimeout(int seconds) throws SQLException {
		this.reusable = false;
		this.target.setQueryTimeout(seconds);
	}

}
