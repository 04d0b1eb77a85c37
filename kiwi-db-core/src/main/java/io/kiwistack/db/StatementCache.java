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
 * <p>
 * The statement given back last waits in a slot of its own, outside the map: code that runs one
 * query over and over (a point select per request) takes and gives back the same statement each
 * time, and the map would allocate an entry and rehash the SQL for each of those round trips.
 */
final class StatementCache {

	private static final System.Logger logger = System.getLogger(StatementCache.class.getName());

	private final Connection connection;

	private final int capacity;

	/** Idle statements but the last one given back, least recently used first. */
	private final LinkedHashMap<StatementKey, PreparedStatement> idle = new LinkedHashMap<>(16, 0.75f, true);

	/** The key of the statement given back last, or {@code null}: the most recently used idle one. */
	private StatementKey lastKey;

	private PreparedStatement lastStatement;

	StatementCache(Connection connection, int capacity) {
		this.connection = connection;
		this.capacity = capacity;
	}

	/**
	 * The key for {@code sql}: the one of the statement given back last when it is the same, so
	 * that the common case of one query run again allocates no key and compares none.
	 */
	StatementKey key(String sql, boolean returnsGeneratedKeys) {
		StatementKey last = this.lastKey;
		if (last != null && last.returnsGeneratedKeys() == returnsGeneratedKeys && last.sql().equals(sql)) {
			return last;
		}
		return new StatementKey(sql, returnsGeneratedKeys);
	}

	PreparedStatement take(StatementKey key) throws SQLException {
		if (this.lastKey != null && (this.lastKey == key || this.lastKey.equals(key))) {
			PreparedStatement last = this.lastStatement;
			this.lastKey = null;
			this.lastStatement = null;
			return last;
		}
		PreparedStatement cached = this.idle.remove(key);
		return (cached != null) ? cached : this.connection.prepareStatement(key.sql());
	}

	/** Keep {@code statement} for the next caller, or close it when the cache has no room. */
	void putBack(StatementKey key, PreparedStatement statement) {
		if (this.capacity == 0 || key.equals(this.lastKey) || this.idle.containsKey(key)) {
			closeQuietly(statement);
			return;
		}
		if (this.lastKey != null) {
			// The one given back before moves into the map, as the most recently used there.
			this.idle.put(this.lastKey, this.lastStatement);
		}
		this.lastKey = key;
		this.lastStatement = statement;
		if (size() > this.capacity) {
			Iterator<Map.Entry<StatementKey, PreparedStatement>> eldest = this.idle.entrySet().iterator();
			closeQuietly(eldest.next().getValue());
			eldest.remove();
		}
	}

	int size() {
		return this.idle.size() + ((this.lastKey != null) ? 1 : 0);
	}

	void clear() {
		if (this.lastKey != null) {
			closeQuietly(this.lastStatement);
			this.lastKey = null;
			this.lastStatement = null;
		}
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
