package io.kiwistack.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What a closed handle delegates to instead of the driver's object: every JDBC method throws. A
 * handle swaps its delegate for a sentinel when it is closed, so its methods need no check of their
 * own, and a caller that kept the handle can't reach an object the driver or the statement cache
 * has handed on since. The sentinel's own {@code toString}, {@code equals} and {@code hashCode}
 * answer normally, so that a closed handle can still be logged and kept in a collection.
 */
final class ClosedSentinel implements InvocationHandler {

	/** The message a closed statement has always answered with; tests and callers match on it. */
	static final String STATEMENT_CLOSED = "This statement is closed";

	static final String RESULT_SET_CLOSED = "This result set is closed";

	/** Stands for any closed statement, plain or prepared: a prepared statement is also a statement. */
	static final PreparedStatement STATEMENT = create(PreparedStatement.class, STATEMENT_CLOSED);

	static final ResultSet RESULT_SET = create(ResultSet.class, RESULT_SET_CLOSED);

	private final String message;

	private ClosedSentinel(String message) {
		this.message = message;
	}

	private static <T> T create(Class<T> type, String message) {
		return type.cast(Proxy.newProxyInstance(ClosedSentinel.class.getClassLoader(), new Class<?>[] { type },
				new ClosedSentinel(message)));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws SQLException {
		switch (method.getName()) {
			case "toString":
				return "closed kiwi-db handle (" + this.message + ")";
			case "hashCode":
				return System.identityHashCode(proxy);
			case "equals":
				return proxy == args[0];
			default:
				// A new exception each time: a shared one would carry the first caller's stack.
				throw new SQLException(this.message);
		}
	}

}
