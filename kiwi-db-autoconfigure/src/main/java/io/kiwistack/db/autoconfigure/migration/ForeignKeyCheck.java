package io.kiwistack.db.autoconfigure.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs SQLite's {@code PRAGMA foreign_key_check} on a connection and describes the first rows it
 * reports: their foreign key columns and values, and whether the parent table exists at all.
 */
final class ForeignKeyCheck {

	/** How many rows a report describes; the rest are counted. */
	static final int ROWS_DESCRIBED = 10;

	private ForeignKeyCheck() {
	}

	/**
	 * Check every foreign key in the database, inside the caller's transaction if one is open.
	 * @param connection a connection to the database
	 * @return what the check found, {@link Result#total()} 0 when nothing
	 */
	static Result run(Connection connection) throws SQLException {
		List<Reported> reported = new ArrayList<>();
		long total = 0;
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA foreign_key_check")) {
			while (rows.next()) {
				total++;
				if (reported.size() < ROWS_DESCRIBED) {
					long rowid = rows.getLong(2);
					reported.add(new Reported(rows.getString(1), rows.wasNull() ? null : rowid, rows.getString(3),
							rows.getInt(4)));
				}
			}
		}
		if (total == 0) {
			return new Result(List.of(), 0);
		}
		Map<String, Map<Integer, ForeignKey>> keys = new HashMap<>();
		List<ForeignKeyViolation> violations = new ArrayList<>();
		for (Reported row : reported) {
			ForeignKey key = keys.computeIfAbsent(row.table(), (table) -> foreignKeys(connection, table)).get(row.fkid());
			List<String> columns = (key != null) ? key.columns() : List.of();
			List<String> parentColumns = (key != null) ? key.parentColumns() : List.of();
			List<String> values = (row.rowid() != null && !columns.isEmpty())
					? values(connection, row.table(), columns, row.rowid()) : null;
			violations.add(new ForeignKeyViolation(row.table(), row.rowid(), row.parent(), columns, parentColumns, values,
					tableExists(connection, row.parent())));
		}
		return new Result(List.copyOf(violations), total);
	}

	private static Map<Integer, ForeignKey> foreignKeys(Connection connection, String table) {
		Map<Integer, List<String[]>> byId = new TreeMap<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA foreign_key_list(" + quote(table) + ")")) {
			while (rows.next()) {
				// id, seq, table, from, to: the rows of one key come in seq order.
				byId.computeIfAbsent(rows.getInt("id"), (id) -> new ArrayList<>())
					.add(new String[] { rows.getString("from"), rows.getString("to") });
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the foreign keys of " + table, ex);
		}
		Map<Integer, ForeignKey> keys = new HashMap<>();
		byId.forEach((id, pairs) -> {
			List<String> columns = pairs.stream().map((pair) -> pair[0]).toList();
			// A key that names no parent columns references the parent's primary key.
			List<String> parentColumns = pairs.stream().allMatch((pair) -> pair[1] != null)
					? pairs.stream().map((pair) -> pair[1]).toList() : List.of();
			keys.put(id, new ForeignKey(columns, parentColumns));
		});
		return keys;
	}

	private static List<String> values(Connection connection, String table, List<String> columns, long rowid)
			throws SQLException {
		String select = "SELECT " + String.join(", ", columns.stream().map(ForeignKeyCheck::quote).toList())
				+ " FROM " + quote(table) + " WHERE rowid = ?";
		try (PreparedStatement statement = connection.prepareStatement(select)) {
			statement.setLong(1, rowid);
			try (ResultSet rows = statement.executeQuery()) {
				if (!rows.next()) {
					return null;
				}
				List<String> values = new ArrayList<>();
				for (int i = 1; i <= columns.size(); i++) {
					Object value = rows.getObject(i);
					values.add((value == null) ? "NULL"
							: (value instanceof String text) ? "'" + text.replace("'", "''") + "'" : value.toString());
				}
				return values;
			}
		}
	}

	private static boolean tableExists(Connection connection, String table) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
			statement.setString(1, table);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next();
			}
		}
	}

	private static String quote(String identifier) {
		return "\"" + identifier.replace("\"", "\"\"") + "\"";
	}

	/**
	 * What a check found.
	 * @param violations the first {@link #ROWS_DESCRIBED} rows, described
	 * @param total how many rows break a foreign key in all
	 */
	record Result(List<ForeignKeyViolation> violations, long total) {

	}

	private record Reported(String table, Long rowid, String parent, int fkid) {
	}

	private record ForeignKey(List<String> columns, List<String> parentColumns) {
	}

}
