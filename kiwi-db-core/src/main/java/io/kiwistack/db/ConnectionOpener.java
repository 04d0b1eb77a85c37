package io.kiwistack.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sqlite.SQLiteConfig;

/**
 * Opens physical SQLite connections with kiwi-db's settings: write transactions that begin
 * {@code IMMEDIATE}, and every pragma set and read back before the connection is handed out.
 */
final class ConnectionOpener {

	private final String url;

	private final List<PragmaSetting> pragmas;

	ConnectionOpener(KiwiDbSettings settings, String url) {
		this.url = url;
		this.pragmas = pragmasFor(settings);
	}

	Connection open() throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		// A deferred transaction that later writes upgrades its lock without waiting on the busy
		// timeout and fails at once with SQLITE_BUSY; taking the write lock at BEGIN waits instead.
		config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		Connection connection = config.createConnection(this.url);
		try {
			for (PragmaSetting pragma : this.pragmas) {
				pragma.applyTo(connection);
			}
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			closeQuietly(connection, ex);
			throw ex;
		}
	}

	private static List<PragmaSetting> pragmasFor(KiwiDbSettings settings) {
		List<PragmaSetting> pragmas = new ArrayList<>();
		// Extra pragmas go first: some (page_size, auto_vacuum) only take effect before WAL is on.
		for (Map.Entry<String, String> extra : settings.pragmas().entrySet()) {
			pragmas.add(new PragmaSetting(extra.getKey(), extra.getValue()));
		}
		if (!settings.inMemory()) {
			pragmas.add(new PragmaSetting("journal_mode", settings.journalMode().sqlName()));
		}
		pragmas.add(new PragmaSetting("synchronous", settings.synchronous().sqlName()));
		pragmas.add(new PragmaSetting("busy_timeout", Long.toString(settings.busyTimeout().toMillis())));
		pragmas.add(new PragmaSetting("foreign_keys", settings.foreignKeys() ? "1" : "0"));
		return List.copyOf(pragmas);
	}

	private static void closeQuietly(Connection connection, Exception cause) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			cause.addSuppressed(ex);
		}
	}

}
