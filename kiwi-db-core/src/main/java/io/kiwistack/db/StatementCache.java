package io.kiwistack.db;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Idle prepared statements of one physical connection, least recently used first out. sqlite-jdbc
 * prepares anew on every {@code prepareStatement}, which costs about a third of a point select;
 * JdbcTemplate-style code prepares per query, so kiwi-db keeps the statements it would have closed.
 * A statement taken out is in use by one caller; it comes back when the caller closes it. SQLite
 * re-prepares a statement by itself when the schema changed underneath it.
 */
final class StatementCache {

	private static final System.Logger logger = System.getLogger(StatementCache.class.getName());

	private final Connection connection;

	private final int capacity;

	private final LinkedHashMap<StatementKey, PreparedStatement> idle = new LinkedHashMap<>(16, 0.75f, true);

	StatementCache(Connection connection, int capacity) {
		this.connection = connection;
		this.capacity = capacity;
	}

	PreparedStatement take(StatementKey key) throws SQLException {
		PreparedStatement cached = this.idle.remove(key);
		return (cached != null) ? cached : this.connection.prepareStatement(key.sql());
	}

	/** Keep {@code statement} for the next caller, or close it when the cache has no room. */
	void putBack(StatementKey key, PreparedStatement statement) {
		if (this.capacity == 0 || this.idle.containsKey(key)) {
			closeQuietly(statement);
			return;
		}
		this.idle.put(key, statement);
		if (this.idle.size() > this.capacity) {
			Iterator<Map.Entry<StatementKey, PreparedStatement>> eldest = this.idle.entrySet().iterator();
			closeQuietly(eldest.next().getValue());
			eldest.remove();
		}
	}

	int size() {
		return this.idle.size();
	}

	void clear() {
		this.idle.values().forEach(StatementCache::closeQuietly);
		this.idle.clear();
	}

	private static void closeQuietly(PreparedStatement statement) {
		try {
			statement.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Closing a cached statement failed", ex);
		}
	}

}
