package io.kiwistack.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * A {@link DataSource} over one embedded SQLite database with exactly one writer connection, lent
 * to one thread at a time; threads wait for it in arrival order, up to the acquire timeout.
 * Opening checks the file and applies every pragma, so a bad setting fails here rather than on the
 * first query. Closing optimizes, checkpoints the write-ahead log and closes, so a clean stop leaves
 * only the database file.
 */
public final class KiwiDataSource extends EmbeddedDataSourceSupport implements AutoCloseable {

	private final KiwiDbSettings settings;

	private final DatabaseFile file;

	private final SingleWriter writer;

	private final ReaderPool readers;

	private final DataSource readOnlyView;

	private KiwiDataSource(KiwiDbSettings settings, DatabaseFile file, SingleWriter writer, ReaderPool readers) {
		this.settings = settings;
		this.file = file;
		this.writer = writer;
		this.readers = readers;
		this.readOnlyView = (readers != null) ? new ReaderDataSource(readers) : null;
	}

	/**
	 * Open the database described by {@code settings}, creating its file when missing.
	 * @param settings the database's settings
	 * @return the open data source
	 * @throws DatabaseFileException when the file or its directory can't be used
	 * @throws PragmaRejectedException when SQLite does not take a configured pragma
	 * @throws SQLException when SQLite can't open the database
	 */
	public static KiwiDataSource open(KiwiDbSettings settings) throws SQLException {
		DatabaseFile file = settings.inMemory() ? null : DatabaseFile.prepare(Path.of(settings.path()));
		String url = "jdbc:sqlite:" + ((file != null) ? file.path() : KiwiDbSettings.IN_MEMORY);
		ConnectionOpener opener = new ConnectionOpener(settings, url);
		SingleWriter writer = null;
		try {
			// A read replica has no writer: its file changes only by the transactions it applies.
			writer = (settings.replicaOf() == null) ? new SingleWriter(opener, settings.acquireTimeout()) : null;
			ReaderPool readers = (settings.readers() > 0)
					? new ReaderPool(opener, settings.readers(), settings.acquireTimeout(), settings.replicaOf()) : null;
			return new KiwiDataSource(settings, file, writer, readers);
		}
		catch (SQLException | RuntimeException ex) {
			if (writer != null) {
				writer.close();
			}
			if (file != null) {
				file.discardIfCreated();
			}
			throw ex;
		}
	}

	/** The settings this database was opened with. */
	public KiwiDbSettings settings() {
		return this.settings;
	}

	/** The database file, empty for an in-memory database. */
	public Optional<DatabaseFile> file() {
		return Optional.ofNullable(this.file);
	}

	/**
	 * Borrow the writer connection; close it to give it back.
	 * @throws java.sql.SQLTransientConnectionException when the acquire timeout passes first; the
	 * message names the thread that holds the connection
	 * @throws java.sql.SQLNonTransientConnectionException when this thread already holds it
	 */
	@Override
	public Connection getConnection() throws SQLException {
		return (this.writer != null) ? this.writer.borrow() : this.readers.borrow();
	}

	/**
	 * Run {@code action} while no reader connection is lent, closing the idle ones, so that
	 * readers opened afterwards see the file as {@code action} left it; borrowers wait meanwhile.
	 * For a read replica applying transactions.
	 * @throws IllegalStateException when this database has no readers
	 */
	public <T> T whileReadersPaused(java.util.concurrent.Callable<T> action) throws Exception {
		if (this.readers == null) {
			throw new IllegalStateException("This database has no reader connections to pause");
		}
		return this.readers.whilePaused(action);
	}

	/**
	 * The read-only connections, as a data source for read-only transactions; empty when
	 * {@link KiwiDbSettings#readers()} is 0. A write through one of its connections fails.
	 */
	public Optional<DataSource> readOnlyDataSource() {
		return Optional.ofNullable(this.readOnlyView);
	}

	/**
	 * How often the writer was lent and how long borrowers waited for it; zeros on a read replica,
	 * which has no writer.
	 */
	public WaitStatistics writerWaitStatistics() {
		return (this.writer != null) ? this.writer.waitStatistics() : new WaitStatistics(0, java.time.Duration.ZERO);
	}

	/**
	 * Read what SQLite reports about the database. Borrows the writer connection briefly.
	 * @return the database's status
	 * @throws SQLException when the database can't be read
	 */
	public DatabaseStatus status() throws SQLException {
		try (Connection connection = getConnection(); Statement statement = connection.createStatement()) {
			String version = queryString(statement, "SELECT sqlite_version()");
			String journalMode = queryString(statement, "PRAGMA journal_mode");
			// Reading the schema reads page 1 and the schema pages: a damaged file fails here.
			queryString(statement, "SELECT count(*) FROM sqlite_schema");
			long size = (this.file != null) ? this.file.size() : 0;
			long walSize = (this.file != null) ? this.file.walSize() : 0;
			return new DatabaseStatus(this.settings.path(), size, walSize, journalMode, version);
		}
	}

	private static String queryString(Statement statement, String sql) throws SQLException {
		try (ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getString(1);
		}
	}

	/** Close the readers, then optimize, checkpoint the write-ahead log into the file, and close the writer. */
	@Override
	public void close() throws SQLException {
		if (this.readers != null) {
			this.readers.close();
		}
		if (this.writer != null) {
			this.writer.close();
		}
	}

	@Override
	public String toString() {
		return "KiwiDataSource[" + this.settings.path() + "]";
	}

}
