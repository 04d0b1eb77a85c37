package io.kiwistack.db.compatibility.schemachange;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

/**
 * Reads what a migration left: on kiwi-db's own writer connection while the application runs, and
 * on a plain sqlite-jdbc connection to the file once it has stopped.
 */
final class SchemaInspection {

	private SchemaInspection() {
	}

	/** {@code PRAGMA foreign_keys} and {@code legacy_alter_table} on the writer itself. */
	static String writerPragmas(KiwiDbDataSource dataSource) throws SQLException {
		try (Connection writer = dataSource.getKiwiDataSource().getConnection()) {
			return "foreign_keys=" + single(writer, "PRAGMA foreign_keys") + " legacy_alter_table="
					+ single(writer, "PRAGMA legacy_alter_table");
		}
	}

	/** Each foreign key of {@code table} as {@code from -> table(to)}. */
	static List<String> foreignKeys(Connection connection, String table) throws SQLException {
		List<String> keys = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA foreign_key_list(" + table + ")")) {
			while (rows.next()) {
				keys.add(rows.getString("from") + " -> " + rows.getString("table") + "(" + rows.getString("to") + ")");
			}
		}
		return keys;
	}

	/** Every row of {@code sql}, its columns joined with {@code |}. */
	static List<String> rows(Connection connection, String sql) throws SQLException {
		List<String> result = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			int columns = rows.getMetaData().getColumnCount();
			while (rows.next()) {
				StringBuilder row = new StringBuilder();
				for (int i = 1; i <= columns; i++) {
					row.append((i > 1) ? "|" : "").append(rows.getString(i));
				}
				result.add(row.toString());
			}
		}
		return result;
	}

	/** The rows of {@code sql} in the database file, read after the application stopped. */
	static List<String> rowsInFile(Path file, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
			return rows(connection, sql);
		}
	}

	private static String single(Connection connection, String sql) throws SQLException {
		List<String> rows = rows(connection, sql);
		return rows.isEmpty() ? null : rows.get(0);
	}

}
