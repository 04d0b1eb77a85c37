package io.kiwistack.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;

/**
 * The {@link DatabaseMetaData} a borrower gets from a connection handle: {@code getConnection()}
 * answers that handle, and each result set it returns answers a kiwi-db statement handle
 * ({@link MetaDataStatement}), so nothing in it leads to the physical connection. Once the handle
 * is given back, it refuses every call as the handle does. A {@link Proxy}: the interface has some
 * 180 methods, none of them on a hot path. Like the connection's, {@code unwrap} still reaches the
 * driver's metadata, explicitly.
 */
final class MetaDataHandle implements InvocationHandler {

	private final DatabaseMetaData target;

	private final LentConnection connection;

	private MetaDataHandle(DatabaseMetaData target, LentConnection connection) {
		this.target = target;
		this.connection = connection;
	}

	static DatabaseMetaData wrap(DatabaseMetaData target, LentConnection connection) {
		return (DatabaseMetaData) Proxy.newProxyInstance(MetaDataHandle.class.getClassLoader(),
				new Class<?>[] { DatabaseMetaData.class }, new MetaDataHandle(target, connection));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		switch (method.getName()) {
			case "toString":
				return "kiwi-db metadata over " + this.target;
			case "hashCode":
				return System.identityHashCode(proxy);
			case "equals":
				return proxy == args[0];
			default:
				break;
		}
		// Throws once the handle was given back, with the handle's own message.
		this.connection.physical();
		switch (method.getName()) {
			case "getConnection":
				return this.connection;
			case "unwrap":
				return ((Class<?>) args[0]).isInstance(proxy) ? proxy : this.target.unwrap((Class<?>) args[0]);
			case "isWrapperFor":
				return ((Class<?>) args[0]).isInstance(proxy) || this.target.isWrapperFor((Class<?>) args[0]);
			default:
				break;
		}
		Object result;
		try {
			result = method.invoke(this.target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
		return (result instanceof ResultSet rows) ? MetaDataStatement.opened(rows, this.connection) : result;
	}

}
