package io.kiwistack.db.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Plain sqlite-jdbc, configured as a user would by hand: the pragmas kiwi-db applies by default
 * (WAL, synchronous NORMAL, a 5 s busy timeout, foreign keys on), given in the JDBC URL.
 */
final class RawSqlite {

	static final String CREATE_TABLE = "CREATE TABLE item (id INTEGER PRIMARY KEY, title VARCHAR(64) NOT NULL, qty INTEGER NOT NULL)";

	private RawSqlite() {
	}

	static String url(Path file) {
		return url(file, false);
	}

	/**
	 * @param processExclusive whether to name the file as a SQLite URI with {@code vfs=unix-excl},
	 * the file locking kiwi-db uses by default (kiwi.db.process-exclusive)
	 */
	static String url(Path file, boolean processExclusive) {
		String pragmas = "journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000&foreign_keys=true";
		return processExclusive ? "jdbc:sqlite:file:" + file + "?vfs=unix-excl&" + pragmas
				: "jdbc:sqlite:" + file + "?" + pragmas;
	}

	static Connection open(Path file) throws SQLException {
		return open(file, false);
	}

	static Connection open(Path file, boolean processExclusive) throws SQLException {
		Connection connection = DriverManager.getConnection(url(file, processExclusive));
		try (Statement statement = connection.createStatement()) {
			checkPragmas(name -> queryString(statement, "PRAGMA " + name));
		}
		return connection;
	}

	/** Fails unless a connection runs with the same pragmas on every SQLite target. */
	static void checkPragmas(PragmaReader reader) throws SQLException {
		expect(reader, "journal_mode", "wal");
		expect(reader, "synchronous", "1");
		expect(reader, "busy_timeout", "5000");
		expect(reader, "foreign_keys", "1");
	}

	/** Create the table and insert {@code rows} rows in one transaction, then go back to autocommit. */
	static void createAndFill(Connection connection, int rows) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate(CREATE_TABLE);
		}
		try (java.sql.PreparedStatement insert = connection.prepareStatement(ItemStore.INSERT)) {
			for (int i = 0; i < rows; i++) {
				insert.setString(1, "item-" + i);
				insert.setInt(2, i);
				insert.addBatch();
			}
			insert.executeBatch();
		}
		connection.commit();
		connection.setAutoCommit(true);
	}

	private static void expect(PragmaReader reader, String pragma, String expected) throws SQLException {
		String actual = reader.read(pragma);
		if (!expected.equalsIgnoreCase(actual)) {
			throw new IllegalStateException("Benchmark setup differs between targets: PRAGMA " + pragma + " is "
					+ actual + ", expected " + expected);
		}
	}

	private static String queryString(Statement statement, String sql) throws SQLException {
		try (ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getString(1);
		}
	}

	@FunctionalInterface
	interface PragmaReader {

		String read(String pragma) throws SQLException;

	}

}
