package io.kiwistack.db;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * The result set a borrower holds instead of sqlite-jdbc's: {@code getStatement()} answers the
 * kiwi-db statement handle that produced it, whose {@code getConnection()} is the borrower's
 * connection handle, never the physical connection. sqlite-jdbc reuses one result set object for
 * all the results of a statement, and a cached statement serves other borrowers after this one, so
 * once closed (by its caller, with its statement, or as the statement runs again) the handle
 * delegates to the {@link ClosedSentinel} and refuses every call. Like the connection's,
 * {@code unwrap} still reaches the driver's result set, explicitly.
 * <p>
 * Written out, not a {@link java.lang.reflect.Proxy}: a row mapper calls the getters once per
 * column of every row, and a proxy (boxing, an argument array and a reflective call each time)
 * cost a JdbcClient point select some 3 to 6% where this costs nothing measurable. The interface's 190 methods
 * are split by what they do: this class keeps the cursor, the state and what kiwi-db changes;
 * {@link ResultSetReads} reads columns; {@link ResultSetUpdatesByIndex} and
 * {@link ResultSetUpdatesByLabel} pass updates through.
 */
final class ResultSetHandle extends ResultSetUpdatesByLabel {

	private final ResultSet rows;

	private final KiwiStatement statement;

	ResultSetHandle(ResultSet rows, KiwiStatement statement) {
		super(rows);
		this.rows = rows;
		this.statement = statement;
	}

	/** Whether this handle is open over the driver's {@code driverRows}. */
	boolean isOpenOver(ResultSet driverRows) {
		return this.target == driverRows;
	}

	/** Refuse every call from now on, leaving the driver's result set to its statement. */
	void retire() {
		this.target = ClosedSentinel.RESULT_SET;
	}

	/** Close the driver's result set, whatever became of this handle: its statement runs on without it. */
	void closeRows() throws SQLException {
		retire();
		this.rows.close();
	}

	@Override
	public void close() throws SQLException {
		if (this.target == ClosedSentinel.RESULT_SET) {
			return;
		}
		retire();
		try {
			this.rows.close();
		}
		finally {
			this.statement.resultSetClosed(this);
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		return this.target == ClosedSentinel.RESULT_SET || this.target.isClosed();
	}

	@Override
	public Statement getStatement() throws SQLException {
		// A closed result set refuses this too, in JDBC: the sentinel says so.
		return (this.target != ClosedSentinel.RESULT_SET) ? this.statement : this.target.getStatement();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		return iface.isInstance(this) ? iface.cast(this) : this.target.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.target.isWrapperFor(iface);
	}

	@Override
	public String toString() {
		return "kiwi-db result set over " + this.target;
	}

	@Override
	public boolean next() throws SQLException {
		return this.target.next();
	}

	@Override
	public boolean previous() throws SQLException {
		return this.target.previous();
	}

	@Override
	public boolean first() throws SQLException {
		return this.target.first();
	}

	@Override
	public boolean last() throws SQLException {
		return this.target.last();
	}

	@Override
	public boolean absolute(int row) throws SQLException {
		return this.target.absolute(row);
	}

	@Override
	public boolean relative(int offset) throws SQLException {
		return this.target.relative(offset);
	}

	@Override
	public void beforeFirst() throws SQLException {
		this.target.beforeFirst();
	}

	@Override
	public void afterLast() throws SQLException {
		this.target.afterLast();
	}

	@Override
	public boolean isBeforeFirst() throws SQLException {
		return this.target.isBeforeFirst();
	}

	@Override
	public boolean isAfterLast() throws SQLException {
		return this.target.isAfterLast();
	}

	@Override
	public boolean isFirst() throws SQLException {
		return this.target.isFirst();
	}

	@Override
	public boolean isLast() throws SQLException {
		return this.target.isLast();
	}

	@Override
	public int getRow() throws SQLException {
		return this.target.getRow();
	}

	@Override
	public boolean wasNull() throws SQLException {
		return this.target.wasNull();
	}

	@Override
	public int findColumn(String columnLabel) throws SQLException {
		return this.target.findColumn(columnLabel);
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.target.getMetaData();
	}

	@Override
	public int getType() throws SQLException {
		return this.target.getType();
	}

	@Override
	public int getConcurrency() throws SQLException {
		return this.target.getConcurrency();
	}

	@Override
	public int getHoldability() throws SQLException {
		return this.target.getHoldability();
	}

	@Override
	public String getCursorName() throws SQLException {
		return this.target.getCursorName();
	}

	@Override
	public int getFetchDirection() throws SQLException {
		return this.target.getFetchDirection();
	}

	@Override
	public void setFetchDirection(int direction) throws SQLException {
		this.target.setFetchDirection(direction);
	}

	@Override
	public int getFetchSize() throws SQLException {
		return this.target.getFetchSize();
	}

	@Override
	public void setFetchSize(int size) throws SQLException {
		this.target.setFetchSize(size);
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		return this.target.getWarnings();
	}

	@Override
	public void clearWarnings() throws SQLException {
		this.target.clearWarnings();
	}

}
