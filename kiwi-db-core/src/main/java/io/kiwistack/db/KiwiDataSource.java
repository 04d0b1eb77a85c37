package io.kiwistack.db;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.sqlite.SQLiteErrorCode;

/**
 * A {@link DataSource} over one embedded SQLite database with exactly one writer connection, lent
 * to one thread at a time; threads wait for it in arrival order, up to the acquire timeout.
 * Opening checks the file and applies every pragma, so a bad setting fails here rather than on the
 * first query. Closing optimizes, checkpoints the write-ahead log and closes, so a clean stop leaves
 * only the database file.
 */
public final class KiwiDataSource extends EmbeddedDataSourceSupport implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(KiwiDataSource.class.getName());

	private final DatabaseFile file;

	/** Told of every commit, whichever writer this database has now. */
	private final CommitWatch commitWatch;

	/** The reader connections as a data source of their own; the same across {@link #reopen}. */
	private final DataSource readOnlyView;

	/** The connections open now; {@code null} while {@link #reopen} replaces them. */
	private volatile Connections open;

	/** The connections last opened: what reads their state while {@link #reopen} runs. */
	private volatile Connections latest;

	/** Borrowers wait on it while the connections are replaced. */
	private final Object reopened = new Object();

	/** Says which unit of work borrows the writer, for messages; given to every writer opened. */
	private volatile java.util.function.Supplier<String> borrowerContext;

	private KiwiDataSource(DatabaseFile file, CommitWatch commitWatch, Connections open) {
		this.file = file;
		this.commitWatch = commitWatch;
		this.open = open;
		this.latest = open;
		this.readOnlyView = (open.readers != null) ? new ReaderDataSource(this::borrowReader) : null;
	}

	/**
	 * What one opening of the database holds: its settings and connections. A node whose role
	 * changes (a read replica promoted to primary, a primary stepping down) gets new ones.
	 */
	private record Connections(KiwiDbSettings settings, SingleWriter writer, ReaderPool readers, String jdbcUrl,
			boolean processExclusive, HeldOpenFile heldFile) {
	}

	/**
	 * Open the database described by {@code settings}, creating its file when missing.
	 * @param settings the database's settings
	 * @return the open data source
	 * @throws DatabaseFileException when the file or its directory can't be used, or another
	 * process holds the file locked (it has it open while this one asks for it exclusively, or it
	 * holds it exclusively, or past the busy timeout);
	 * {@link DamagedDatabaseException} when the file is damaged, found so before SQLite opens it or
	 * by SQLite while the pragmas are set
	 * @throws PragmaRejectedException when SQLite does not take a configured pragma
	 * @throws SQLException when SQLite can't open the database
	 */
	public static KiwiDataSource open(KiwiDbSettings settings) throws SQLException {
		DatabaseFile file = settings.inMemory() ? null : DatabaseFile.prepare(Path.of(settings.path()));
		CommitWatch commitWatch = new CommitWatch();
		return new KiwiDataSource(file, commitWatch, openConnections(settings, file, commitWatch));
	}

	private static Connections openConnections(KiwiDbSettings settings, DatabaseFile file, CommitWatch commitWatch)
			throws SQLException {
		Path path = (file != null) ? file.path() : null;
		String url = SqliteUrl.of(settings, path);
		boolean processExclusive = SqliteUrl.processExclusive(settings, path);
		ConnectionOpener opener = new ConnectionOpener(settings, url, processExclusive);
		SingleWriter writer = null;
		HeldOpenFile held = null;
		try {
			// A read replica's file is rewritten while its connections are closed; only a primary
			// reads its live file beside open connections.
			held = (file != null && settings.replicaOf() == null) ? hold(file) : null;
			// A read replica has no writer: its file changes only by the transactions it applies.
			writer = (settings.replicaOf() == null) ? new SingleWriter(opener, settings.acquireTimeout(), commitWatch)
					: null;
			ReaderPool readers = (settings.readers() > 0)
					? new ReaderPool(opener, settings.readers(), settings.acquireTimeout(), settings.replicaOf()) : null;
			return new Connections(settings, writer, readers, url, processExclusive, held);
		}
		catch (SQLException | RuntimeException ex) {
			if (writer != null) {
				writer.close();
			}
			closeQuietly(held, ex);
			if (file != null) {
				file.discardIfCreated();
			}
			if (file != null && isDamaged(ex)) {
				throw new DamagedDatabaseException(file.path(), "SQLite finds it damaged (" + ex.getMessage() + ")", ex);
			}
			if (file != null && isBusy(ex)) {
				throw settings.processExclusive() ? heldByAnotherProcess(file.path(), ex)
						: lockedByAnotherProcess(file.path(), settings, ex);
			}
			throw ex;
		}
	}

	/**
	 * Close this database's connections and open them again with {@code settings}, for a node
	 * whose role changed: a read replica promoted to primary opens a writer, a primary that steps
	 * down opens as a read replica. {@code whileClosed} runs in between, when no connection is
	 * open (to make the file ready for the new role). Borrowers wait meanwhile and then get the new
	 * connections; the commit watch, and what was registered on it, stays.
	 * @param settings the settings of the new role, on the same file
	 * @throws SQLException when the database can't be opened again; it then refuses every borrower
	 */
	public void reopen(KiwiDbSettings settings, java.util.concurrent.Callable<Void> whileClosed) throws Exception {
		if (this.file == null || !this.file.path().equals(Path.of(settings.path()).toAbsolutePath().normalize())) {
			throw new IllegalArgumentException("A database is reopened on its own file, not " + settings.path());
		}
		Connections before;
		synchronized (this.reopened) {
			before = this.open;
			if (before == null) {
				throw new IllegalStateException("The database is being reopened already");
			}
			this.open = null;
		}
		Connections after = null;
		try {
			close(before).ifPresent((kept) -> logger.log(Level.WARNING, kept.message()));
			whileClosed.call();
			DatabaseFile.prepare(this.file.path());
			after = openConnections(settings, this.file, this.commitWatch);
			java.util.function.Supplier<String> context = this.borrowerContext;
			if (context != null && after.writer != null) {
				after.writer.describeBorrowersWith(context);
			}
		}
		finally {
			synchronized (this.reopened) {
				this.open = (after != null) ? after : failedToReopen(before.settings);
				this.latest = this.open;
				this.reopened.notifyAll();
			}
		}
	}

	/** What is left when reopening failed: connections that are closed, refusing every borrower. */
	private static Connections failedToReopen(KiwiDbSettings settings) {
		return new Connections(settings, null, null, null, false, null);
	}

	/** The connections open now, waiting while they are replaced, up to the acquire timeout. */
	private Connections connections() throws SQLException {
		Connections current = this.open;
		if (current != null) {
			return current;
		}
		synchronized (this.reopened) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (this.open == null) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new java.sql.SQLTransientConnectionException(
							"The kiwi-db database is being reopened for another role; try again");
				}
				try {
					this.reopened.wait(Math.max(1, remaining / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new java.sql.SQLTransientConnectionException("Interrupted while the database was reopened", ex);
				}
			}
			return this.open;
		}
	}

	/** The connections as they are now, without waiting: for what only reads their state. */
	private Connections current() {
		return this.latest;
	}

	private static DatabaseFileException heldByAnotherProcess(Path file, Exception ex) {
		return new DatabaseFileException(file, "another process has it open (" + ex.getMessage() + ")",
				"kiwi-db takes the file for this process alone (kiwi.db.process-exclusive=true): stop the "
						+ "other process (another instance of this service, a sqlite3 shell, an external Litestream), "
						+ "or set kiwi.db.process-exclusive=false wherever the file is opened to share it",
				ex);
	}

	private static DatabaseFileException lockedByAnotherProcess(Path file, KiwiDbSettings settings, Exception ex) {
		return new DatabaseFileException(file,
				"another process holds it locked, and still did after the busy timeout (kiwi.db.busy-timeout="
						+ asProperty(settings.busyTimeout()) + "): it has the file open exclusively, as another "
						+ "kiwi-db service with kiwi.db.process-exclusive=true (the default) does, or a sqlite3 with "
						+ "PRAGMA locking_mode=EXCLUSIVE, or it keeps a long transaction open (" + ex.getMessage() + ")",
				"Stop the other process, or make it share the file: kiwi.db.process-exclusive=false shares the file "
						+ "only when every process that opens it shares it too, so another kiwi-db service on this file "
						+ "needs kiwi.db.process-exclusive=false as well (two services are better given a file each)",
				ex);
	}

	private static HeldOpenFile hold(DatabaseFile file) {
		try {
			return HeldOpenFile.hold(file.path());
		}
		catch (IOException ex) {
			throw new DatabaseFileException(file.path(), "it can't be read (" + ex.getMessage() + ")",
					"Check the file's permissions and the disk");
		}
	}

	private static String asProperty(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? millis / 1000 + "s" : millis + "ms";
	}

	private static boolean isBusy(Exception ex) {
		return ex instanceof SQLException sql && (sql.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code;
	}

	private static boolean isDamaged(Exception ex) {
		int code = (ex instanceof SQLException sql) ? sql.getErrorCode() & 0xff : -1;
		return code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code;
	}

	private static void closeQuietly(HeldOpenFile held, Exception cause) {
		if (held == null) {
			return;
		}
		try {
			held.close();
		}
		catch (IOException ex) {
			cause.addSuppressed(ex);
		}
	}

	/**
	 * Tell kiwi-db how to name the unit of work that borrows the writer (Spring's current transaction
	 * name, say), for the message when a thread asks for the writer again while a transaction it
	 * opened is still open. Called once per borrow: it must be cheap.
	 */
	public void describeBorrowersWith(java.util.function.Supplier<String> context) {
		this.borrowerContext = context;
		SingleWriter writer = current().writer;
		if (writer != null) {
			writer.describeBorrowersWith(context);
		}
	}

	/**
	 * The fence that stops this database's writer from acknowledging commits, raised by replication
	 * when this node may no longer be the primary.
	 * @throws IllegalStateException on a read replica, which has no writer
	 */
	public WriteFence writeFence() {
		SingleWriter writer = current().writer;
		if (writer == null) {
			throw new IllegalStateException("A read replica has no writer to fence");
		}
		return writer.fence();
	}

	/**
	 * Who is told of the writer's commits: the same watch across {@link #reopen}, so a read replica
	 * promoted to primary tells what listens from its first commit. It never fires while this
	 * database has no writer.
	 */
	public CommitWatch commitWatch() {
		return this.commitWatch;
	}

	/**
	 * Whether this process holds the database file exclusively ({@link KiwiDbSettings#processExclusive()}
	 * asked for, on a system that has it): other processes can't open the file meanwhile.
	 */
	public boolean processExclusive() {
		return current().processExclusive;
	}

	/**
	 * The JDBC URL of kiwi-db's own connections. Any other connection this process opens to the
	 * database must use it too, so that all of them lock the file the same way.
	 */
	public String jdbcUrl() {
		return current().jdbcUrl;
	}

	/**
	 * A hold on this database file's shared read descriptor, for reading the live file (a
	 * snapshot) without ever closing a descriptor beside SQLite's; close the hold when done.
	 * @throws IllegalStateException for an in-memory database or a read replica
	 */
	public HeldOpenFile holdFile() throws IOException {
		if (current().heldFile == null) {
			throw new IllegalStateException("Only a primary's database file is read while it is open");
		}
		return HeldOpenFile.hold(this.file.path());
	}

	/** The settings this database was opened with, last. */
	public KiwiDbSettings settings() {
		return current().settings;
	}

	/** The database file, empty for an in-memory database. */
	public Optional<DatabaseFile> file() {
		return Optional.ofNullable(this.file);
	}

	/**
	 * Borrow the writer connection (a read replica's: a reader); close it to give it back.
	 * @throws java.sql.SQLTransientConnectionException when the acquire timeout passes first; the
	 * message names the thread that holds the connection
	 * @throws java.sql.SQLNonTransientConnectionException when this thread already holds it
	 */
	@Override
	public Connection getConnection() throws SQLException {
		while (true) {
			Connections connections = connections();
			try {
				return (connections.writer != null) ? connections.writer.borrow() : readers(connections).borrow();
			}
			catch (SQLException ex) {
				// Not latest: it still names the connections a reopening closed, until it is done.
				if (this.open == connections) {
					throw ex;
				}
				// Reopened for another role while this borrower came: the new connections serve it.
			}
		}
	}

	/** A reader connection, for read-only routing; a reopening is waited for, as above. */
	private Connection borrowReader() throws SQLException {
		while (true) {
			Connections connections = connections();
			try {
				return readers(connections).borrow();
			}
			catch (SQLException ex) {
				if (this.open == connections) {
					throw ex;
				}
			}
		}
	}

	private static ReaderPool readers(Connections connections) throws SQLException {
		if (connections.readers == null) {
			throw new java.sql.SQLNonTransientConnectionException("The kiwi-db database is closed");
		}
		return connections.readers;
	}

	/**
	 * Run {@code action} while no reader connection is lent, closing the idle ones, so that
	 * readers opened afterwards see the file as {@code action} left it; borrowers wait meanwhile.
	 * For a read replica applying transactions.
	 * @throws IllegalStateException when this database has no readers
	 */
	public <T> T whileReadersPaused(java.util.concurrent.Callable<T> action) throws Exception {
		ReaderPool readers = current().readers;
		if (readers == null) {
			throw new IllegalStateException("This database has no reader connections to pause");
		}
		return readers.whilePaused(action);
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
		SingleWriter writer = current().writer;
		return (writer != null) ? writer.waitStatistics() : new WaitStatistics(0, Duration.ZERO);
	}

	/**
	 * Whether writes fail because the disk (or the database, at {@code max_page_count}) is full:
	 * since when, and SQLite's latest error; empty while writes work. A statement or commit on the
	 * writer that fails with {@code SQLITE_FULL} sets it, the next commit that writes rows clears it.
	 */
	public Optional<DiskFull> diskFull() {
		SingleWriter writer = current().writer;
		return (writer != null) ? writer.diskFullWatch().current() : Optional.empty();
	}

	/**
	 * Read what SQLite reports about the database. Borrows the writer connection briefly.
	 * @return the database's status
	 * @throws SQLException when the database can't be read
	 */
	public DatabaseStatus status() throws SQLException {
		try (Connection connection = getConnection()) {
			SingleWriter writer = current().writer;
			if (writer != null && writer.fence().refusal() != null) {
				// A fenced writer refuses statements; reading the status is no write.
				connection.setReadOnly(true);
			}
			return status(connection);
		}
	}

	private DatabaseStatus status(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			String version = queryString(statement, "SELECT sqlite_version()");
			String journalMode = queryString(statement, "PRAGMA journal_mode");
			// Reading the schema reads page 1 and the schema pages: a damaged file fails here.
			queryString(statement, "SELECT count(*) FROM sqlite_schema");
			long size = (this.file != null) ? this.file.size() : 0;
			long walSize = (this.file != null) ? this.file.walSize() : 0;
			return new DatabaseStatus(settings().path(), size, walSize, journalMode, version);
		}
	}

	private static String queryString(Statement statement, String sql) throws SQLException {
		try (ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getString(1);
		}
	}

	/**
	 * Close the readers, then optimize, checkpoint the write-ahead log into the file, and close the
	 * writer. On a full disk the checkpoint fails and the connections close all the same, keeping
	 * the log beside the file (it holds committed transactions, which SQLite reads back at the
	 * next open), and a warning says so.
	 */
	@Override
	public void close() throws SQLException {
		closeAndReport().ifPresent((kept) -> logger.log(Level.WARNING, kept.message()));
	}

	/**
	 * Close as {@link #close()} does, and return what a full disk made it keep instead of logging
	 * it, for a caller that logs through its own logging system: a {@code System.Logger} message
	 * written while the JVM shuts down may be lost (the JDK's logging resets itself then).
	 * @return the write-ahead log kept beside the database, empty when it was checkpointed
	 */
	public Optional<WalKeptAtClose> closeAndReport() throws SQLException {
		Connections connections;
		synchronized (this.reopened) {
			connections = this.open;
			if (connections == null) {
				// Closed while reopening: what the reopening opens is closed right after.
				try {
					connections = connections();
				}
				catch (SQLException ex) {
					return Optional.empty();
				}
			}
			this.open = failedToReopen(connections.settings);
			this.latest = this.open;
		}
		return close(connections);
	}

	private Optional<WalKeptAtClose> close(Connections connections) throws SQLException {
		boolean readersClosed = true;
		try {
			if (connections.readers != null) {
				readersClosed = connections.readers.close();
			}
			return (connections.writer != null) ? closeWriter(connections.writer) : Optional.empty();
		}
		finally {
			// Last: closing the descriptor while a connection is open would drop that connection's
			// locks. A reader still lent after the timeout keeps it open for the life of the process.
			if (connections.heldFile != null && readersClosed) {
				try {
					connections.heldFile.close();
				}
				catch (IOException ex) {
					throw new SQLException("Could not close the database file " + this.file.path(), ex);
				}
			}
		}
	}

	private Optional<WalKeptAtClose> closeWriter(SingleWriter writer) throws SQLException {
		try {
			writer.close();
			return Optional.empty();
		}
		catch (SQLException ex) {
			if (this.file == null || !DiskFullWatch.isDiskFull(ex)) {
				throw ex;
			}
			return Optional.of(new WalKeptAtClose(this.file.path(), this.file.walFile(), this.file.walSize(),
					ex.getMessage()));
		}
	}

	@Override
	public String toString() {
		return "KiwiDataSource[" + settings().path() + "]";
	}

}
