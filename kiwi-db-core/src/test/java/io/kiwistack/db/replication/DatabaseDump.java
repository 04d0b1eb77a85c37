package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every row of every table of a database file as text, to compare two databases exactly.
 */
final class DatabaseDump {

	private DatabaseDump() {
	}

	static List<String> of(Path database) throws SQLException {
		List<String> dump = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			List<String> tables = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery(
					"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
				while (rows.next()) {
					tables.add(rows.getString(1));
				}
			}
			for (String table : tables) {
				dump.add("table " + table);
				try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY rowid")) {
					int columns = rows.getMetaData().getColumnCount();
					while (rows.next()) {
						StringBuilder row = new StringBuilder();
						for (int i = 1; i <= columns; i++) {
							Object value = rows.getObject(i);
							row.append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value))
								.append('|');
						}
						dump.add(row.toString());
					}
				}
			}
		}
		return dump;
	}

	/** The ids of {@code table}'s rows, in order. */
	static List<Long> ids(Path database, String table) throws SQLException {
		List<Long> ids = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM \"" + table + "\" ORDER BY id")) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		return ids;
	}

	static String integrity(Path database) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
			rows.next();
			return rows.getString(1);
		}
	}

	/**
	 * Assert two dumps are equal, failing with the first difference rather than every row (rows of
	 * big blobs make a full listing unreadable).
	 */
	static void assertSameRows(List<String> actual, List<String> expected, String what) {
		int common = Math.min(actual.size(), expected.size());
		for (int i = 0; i < common; i++) {
			if (!actual.get(i).equals(expected.get(i))) {
				throw new AssertionError(what + ": line " + i + " differs (" + actual.size() + " vs " + expected.size()
						+ " lines):\n  expected: " + shorten(expected.get(i)) + "\n  actual:   " + shorten(actual.get(i))
						+ "\n  table:    " + tableOf(expected, i));
			}
		}
		if (actual.size() != expected.size()) {
			List<String> longer = (actual.size() > expected.size()) ? actual : expected;
			throw new AssertionError(what + ": " + actual.size() + " lines, expected " + expected.size() + "; the "
					+ ((longer == actual) ? "extra" : "missing") + " line " + common + " is " + shorten(longer.get(common))
					+ " in " + tableOf(longer, common));
		}
	}

	private static String tableOf(List<String> dump, int line) {
		for (int i = line; i >= 0; i--) {
			if (dump.get(i).startsWith("table ")) {
				return dump.get(i);
			}
		}
		return "?";
	}

	private static String shorten(String line) {
		return (line.length() <= 120) ? line : line.substring(0, 120) + "... (" + line.length() + " chars)";
	}

}
