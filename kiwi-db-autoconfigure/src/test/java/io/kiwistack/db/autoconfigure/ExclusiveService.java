package io.kiwistack.db.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;

/**
 * Another kiwi-db service on a database file, for running in a JVM of its own: it opens the file
 * with kiwi-db's defaults (the file taken for the process alone), writes to it, prints "open", and
 * holds the file until its standard input closes.
 */
public final class ExclusiveService {

	private ExclusiveService() {
	}

	public static void main(String[] arguments) throws Exception {
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(arguments[0]).build())) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE t (v TEXT)");
			}
			System.out.println("open");
			System.out.flush();
			while (System.in.read() != -1) {
				// holds the file until the test closes standard input
			}
		}
	}

}
