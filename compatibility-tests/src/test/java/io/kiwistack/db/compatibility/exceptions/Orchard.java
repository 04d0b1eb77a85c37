package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The schema the exception tests violate: a kiwi has a unique name, a positive weight and maybe
 * an orchard, which must exist.
 */
final class Orchard {

	static final String SCHEMA = """
			CREATE TABLE orchard (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
			CREATE TABLE kiwi (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
				weight INTEGER NOT NULL CHECK (weight > 0), orchard_id INTEGER REFERENCES orchard (id));
			INSERT INTO orchard (id, name) VALUES (1, 'Te Puke');
			INSERT INTO kiwi (id, name, weight, orchard_id) VALUES (1, 'Hayward', 100, 1);
			""";

	/** An insert that repeats the existing kiwi's primary key. */
	static final String DUPLICATE_ID = "INSERT INTO kiwi (id, name, weight) VALUES (1, 'Gold', 90)";

	/** An insert that repeats the existing kiwi's name, unique by its index. */
	static final String DUPLICATE_NAME = "INSERT INTO kiwi (id, name, weight) VALUES (2, 'Hayward', 90)";

	static final String UNKNOWN_ORCHARD = "INSERT INTO kiwi (id, name, weight, orchard_id) VALUES (2, 'Gold', 90, 99)";

	static final String NO_NAME = "INSERT INTO kiwi (id, name, weight) VALUES (2, NULL, 90)";

	static final String NEGATIVE_WEIGHT = "INSERT INTO kiwi (id, name, weight) VALUES (2, 'Gold', -1)";

	static final String NEW_KIWI = "INSERT INTO kiwi (id, name, weight) VALUES (2, 'Gold', 90)";

	private Orchard() {
	}

	static void create(JdbcClient jdbc) {
		for (String statement : SCHEMA.split(";\\s*")) {
			if (!statement.isBlank()) {
				jdbc.sql(statement).update();
			}
		}
	}

	static long kiwis(JdbcClient jdbc) {
		return jdbc.sql("SELECT count(*) FROM kiwi").query(Long.class).single();
	}

	/**
	 * A plain sqlite-jdbc connection of another party on the file, holding SQLite's write lock
	 * ({@code BEGIN IMMEDIATE}) until it is closed.
	 */
	static Connection holdWriteLock(Path file) throws SQLException {
		Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
		try (Statement statement = other.createStatement()) {
			statement.execute("BEGIN IMMEDIATE");
		}
		catch (SQLException ex) {
			other.close();
			throw ex;
		}
		return other;
	}

}
