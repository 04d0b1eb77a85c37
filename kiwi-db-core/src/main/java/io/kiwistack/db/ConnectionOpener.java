package io.kiwistack.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Opens physical SQLite connections with kiwi-db's settings: the writer's transactions begin
 * {@code IMMEDIATE}, readers open read-only, and every pragma is set and read back before a
 * connection is handed out.
 */
final class ConnectionOpener {

	private final String url;

	private final List<PragmaSetting> pragmas;

	private final int statementCacheSize;

	private final int busyTimeoutMillis;

	private final boolean processExclusive;

	private final KiwiDbSettings settings;

	ConnectionOpener(KiwiDbSettings settings, String url, boolean processExclusive) {
		this.url = url;
		this.processExclusive = processExclusive;
		this.busyTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.busyTimeout().toMillis());
		this.pragmas = pragmasFor(settings);
		this.statementCacheSize = settings.statementCacheSize();
		this.settings = settings;
	}

	PhysicalConnection openWriter() throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		// A deferred transaction that later writes upgrades its lock without waiting on the busy
		// timeout and fails at once with SQLITE_BUSY; taking the write lock at BEGIN waits instead.
		config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		return open(config, this.pragmas);
	}

	PhysicalConnection openReader() throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
		// The writer set the journal mode for the file; a reader leaves it alone.
		List<PragmaSetting> readerPragmas = new ArrayList<>(this.pragmas.stream()
			.filter((pragma) -> !pragma.name().equals("journal_mode"))
			.toList());
		if (this.processExclusive) {
			// unix-excl leaves a connection opened read-only out of the process's exclusive lock: it
			// takes a shared lock of its own, which replaces the process's exclusive one for the
			// whole process. So readers open read-write, and SQLite refuses their writes by query_only.
			readerPragmas.add(new PragmaSetting("query_only", "1"));
		}
		else {
			config.setReadOnly(true);
		}
		return open(config, readerPragmas);
	}

	private PhysicalConnection open(SQLiteConfig config, List<PragmaSetting> pragmas) throws SQLException {
		// sqlite-jdbc otherwise runs "SELECT last_insert_rowid()" after every insert; statements
		// prepared to return keys switch it on for their own execution (see KiwiPreparedStatement).
		config.setGetGeneratedKeys(false);
		// From the first lock on, not only once the pragmas are set: opening waits this long for a
		// file another process holds.
		config.setBusyTimeout(this.busyTimeoutMillis);
		// The driver's date options are per connection, not pragmas: writer and readers alike, or a
		// date the writer stored as text would not read back on a reader.
		config.setDateClass(this.settings.dateClass().name());
		config.setDatePrecision(this.settings.datePrecision().name());
		config.setDateStringFormat(this.settings.dateStringFormat());
		SQLiteConnection connection = (SQLiteConnection) config.createConnection(this.url);
		try {
			for (PragmaSetting pragma : pragmas) {
				pragma.applyTo(connection);
			}
			return new PhysicalConnection(connection, this.statementCacheSize);
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
		if (!settings.autoCheckpoint()) {
			pragmas.add(new PragmaSetting("wal_autocheckpoint", "0"));
		}
		if (settings.journalSizeLimit() >= 0 && !settings.pragmas().containsKey("journal_size_limit")) {
			pragmas.add(new PragmaSetting("journal_size_limit", Long.toString(settings.journalSizeLimit())));
		}
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
