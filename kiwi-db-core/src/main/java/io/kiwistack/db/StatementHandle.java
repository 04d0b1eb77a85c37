package io.kiwistack.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;

/**
 * What a caller holds instead of a sqlite-jdbc statement. Closing it returns a cached prepared
 * statement to its {@link StatementCache} with its parameters cleared; {@code getConnection()}
 * answers the borrower's handle, never the physical connection. It also asks sqlite-jdbc for
 * generated keys only for statements prepared to return them, because the driver otherwise runs
 * an extra query after every insert.
 */
final class StatementHandle implements InvocationHandler {

	private static final Set<String> SETTINGS_THAT_OUTLIVE_A_CALLER = Set.of("setMaxRows", "setLargeMaxRows",
			"setQueryTimeout", "setFetchSize", "setFetchDirection", "setMaxFieldSize", "setEscapeProcessing",
			"setPoolable", "closeOnCompletion", "setCursorName");

	private final Statement target;

	private final LentConnection connection;

	private final SQLiteConnection sqlite;

	private final StatementCache cache;

	private final StatementKey key;

	private ResultSet lastResultSet;

	private boolean reusable = true;

	private boolean closed;

	private StatementHandle(Statement target, LentConnection connection, SQLiteConnection sqlite, StatementCache cache,
			StatementKey key) {
		this.target = target;
		this.connection = connection;
		this.sqlite = sqlite;
		this.cache = cache;
		this.key = key;
	}

	static Statement plain(Statement target, LentConnection connection, SQLiteConnection sqlite) {
		return proxy(Statement.class, new StatementHandle(target, connection, sqlite, null, null));
	}

	static PreparedStatement prepared(PreparedStatement target, LentConnection connection, SQLiteConnection sqlite,
			StatementCache cache, StatementKey key) {
		return proxy(PreparedStatement.class, new StatementHandle(target, connection, sqlite, cache, key));
	}

	private static <T> T proxy(Class<T> type, StatementHandle handle) {
		return type.cast(Proxy.newProxyInstance(StatementHandle.class.getClassLoader(), new Class<?>[] { type }, handle));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		switch (name) {
			case "close" -> {
				close();
				return null;
			}
			case "isClosed" -> {
				return this.closed;
			}
			case "getConnection" -> {
				return this.connection;
			}
			case "isWrapperFor" -> {
				return ((Class<?>) args[0]).isInstance(proxy) || this.target.isWrapperFor((Class<?>) args[0]);
			}
			case "unwrap" -> {
				Class<?> type = (Class<?>) args[0];
				return type.isInstance(proxy) ? proxy : this.target.unwrap(type);
			}
			case "equals" -> {
				return proxy == args[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			case "toString" -> {
				return "kiwi-db statement over " + this.target;
			}
			default -> {
				if (this.closed) {
					throw new SQLException("This statement is closed");
				}
				if (SETTINGS_THAT_OUTLIVE_A_CALLER.contains(name)) {
					this.reusable = false;
				}
				if (name.startsWith("execute")) {
					return execute(method, args);
				}
				Object result = call(method, args);
				if (result instanceof ResultSet resultSet) {
					this.lastResultSet = resultSet;
				}
				return result;
			}
		}
	}

	private Object execute(Method method, Object[] args) throws Throwable {
		if (args != null && args.length > 0 && args[0] instanceof String sql) {
			this.connection.noteSql(sql);
		}
		boolean keys = (this.key != null) && this.key.returnsGeneratedKeys();
		if (keys) {
			this.sqlite.getConnectionConfig().setGetGeneratedKeys(true);
		}
		try {
			Object result = call(method, args);
			if (result instanceof ResultSet resultSet) {
				this.lastResultSet = resultSet;
			}
			return result;
		}
		catch (SQLException ex) {
			// sqlite-jdbc may have finalized the statement; a fresh one is cheaper than doubt.
			this.reusable = false;
			throw explainReadOnly(ex);
		}
		finally {
			if (keys) {
				this.sqlite.getConnectionConfig().setGetGeneratedKeys(false);
			}
		}
	}

	private SQLException explainReadOnly(SQLException ex) {
		if (ex.getErrorCode() != SQLiteErrorCode.SQLITE_READONLY.code || !this.connection.servesReadOnly()) {
			return ex;
		}
		if (this.connection.replicaOf() != null) {
			return new SQLException("This node is a read replica following " + this.connection.replicaOf()
					+ ": it applies the primary's transactions and takes no writes of its own. Send writes to the primary. ("
					+ ex.getMessage() + ")", ex.getSQLState(), ex.getErrorCode(), ex);
		}
		return new SQLException("A read-only transaction tried to write: " + ex.getMessage()
				+ ". Reads in @Transactional(readOnly = true) run on kiwi-db's read-only connections; "
				+ "run writes in a read-write transaction.", ex.getSQLState(), ex.getErrorCode(), ex);
	}

	private Object call(Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.connection.forget(this);
		if (this.cache == null || !this.reusable || this.target.isClosed()) {
			this.target.close();
			return;
		}
		PreparedStatement prepared = (PreparedStatement) this.target;
		try {
			if (this.lastResultSet != null) {
				this.lastResultSet.close();
			}
			prepared.clearParameters();
			prepared.clearBatch();
			this.cache.putBack(this.key, prepared);
		}
		catch (SQLException ex) {
			prepared.close();
			throw ex;
		}
	}

	/** Close this statement on behalf of a borrower that gave its connection back without doing so. */
	void closeLeftOpen() throws SQLException {
		close();
	}

}
