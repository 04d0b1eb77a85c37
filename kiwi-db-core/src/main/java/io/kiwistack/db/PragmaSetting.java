package io.kiwistack.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One pragma kiwi-db sets on a connection and then reads back, because SQLite ignores a pragma it
 * does not know and quietly keeps its old value for one it can't change (a journal mode on an
 * in-memory database, a page size after the file exists).
 */
record PragmaSetting(String name, String value) {

	private static final Map<String, Map<String, String>> KEYWORD_LEVELS = Map.of(
			"synchronous", Map.of("off", "0", "normal", "1", "full", "2", "extra", "3"),
			"temp_store", Map.of("default", "0", "file", "1", "memory", "2"),
			"auto_vacuum", Map.of("none", "0", "full", "1", "incremental", "2"),
			"secure_delete", Map.of("fast", "2"));

	private static final Map<String, String> BOOLEAN_WORDS = Map.of("on", "1", "true", "1", "yes", "1", "off",
			"0", "false", "0", "no", "0");

	/**
	 * Set this pragma on {@code connection} and check that SQLite reports the value back.
	 * @param connection an open SQLite connection
	 * @throws PragmaRejectedException when SQLite reports another value or none
	 * @throws SQLException when SQLite refuses the statement
	 */
	void applyTo(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA " + this.name + " = " + this.value);
			drain(statement);
			String actual = readBack(statement);
			if (actual == null) {
				throw new PragmaRejectedException(this.name, this.value, null, knownPragmas(statement));
			}
			if (!normalize(actual).equals(normalize(this.value))) {
				throw new PragmaRejectedException(this.name, this.value, actual);
			}
		}
	}

	/** The pragmas this SQLite knows, from its own list; empty if it can't list them. */
	private static Set<String> knownPragmas(Statement statement) {
		Set<String> names = new TreeSet<>();
		try (ResultSet rows = statement.executeQuery("PRAGMA pragma_list")) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		catch (SQLException ex) {
			// Only a "did you mean" hint is lost; the rejection itself stands.
			return Set.of();
		}
		return names;
	}

	private String readBack(Statement statement) throws SQLException {
		// An unknown pragma answers no result set at all, which executeQuery would report as an error.
		if (!statement.execute("PRAGMA " + this.name)) {
			return null;
		}
		try (ResultSet rows = statement.getResultSet()) {
			return (rows != null && rows.next()) ? rows.getString(1) : null;
		}
	}

	private static void drain(Statement statement) throws SQLException {
		ResultSet rows = statement.getResultSet();
		if (rows != null) {
			rows.close();
		}
	}

	private String normalize(String raw) {
		String lower = raw.trim().toLowerCase(Locale.ROOT);
		String level = KEYWORD_LEVELS.getOrDefault(this.name, Map.of()).get(lower);
		if (level != null) {
			return level;
		}
		String bool = BOOLEAN_WORDS.get(lower);
		if (bool != null) {
			return bool;
		}
		try {
			return Long.toString(Long.parseLong(lower));
		}
		catch (NumberFormatException ex) {
			return lower;
		}
	}

}
