package io.kiwistack.db.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kiwistack.db.DateClass;
import io.kiwistack.db.DatePrecision;
import io.kiwistack.db.JournalMode;
import io.kiwistack.db.SynchronousMode;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the embedded kiwi-db database. Replication's,
 * {@code kiwi.db.replication.*}, are bound by its own auto-configuration.
 */
@ConfigurationProperties("kiwi.db")
public class KiwiDbProperties {

	/**
	 * Whether to configure the embedded SQLite database.
	 */
	private boolean enabled = true;

	/**
	 * Database file. Missing parent directories are created, owner-only. ':memory:' gives a private
	 * in-memory database. Defaults to './data/${spring.application.name}.db', or './data/kiwi.db'
	 * without an application name.
	 */
	private String path;

	/**
	 * Journal mode. WAL lets readers run alongside the writer. Ignored for ':memory:'.
	 */
	private JournalMode journalMode = JournalMode.WAL;

	/**
	 * How hard SQLite syncs to disk. NORMAL survives a crash of the process; FULL also survives power
	 * loss, at about a tenth of the single-row commit rate.
	 */
	private SynchronousMode synchronous = SynchronousMode.NORMAL;

	/**
	 * How long a connection waits for a lock held by another process before failing with
	 * SQLITE_BUSY.
	 */
	private Duration busyTimeout = Duration.ofSeconds(5);

	/**
	 * Whether to enforce foreign key constraints.
	 */
	private boolean foreignKeys = true;

	/**
	 * Whether this process takes the database file for itself while it is open (SQLite's
	 * 'unix-excl' locking). Other processes, such as the sqlite3 shell or an external Litestream,
	 * can't open the file meanwhile, a second instance of the service on the same file fails at
	 * startup, and transactions skip the file-lock system calls they would otherwise make. Set to
	 * false to share the file with other processes while the service runs.
	 */
	private boolean processExclusive = true;

	/**
	 * Further pragmas applied to every connection and read back, for example 'cache_size: -20000'.
	 * A value SQLite does not take stops startup.
	 */
	private final Map<String, String> pragmas = new LinkedHashMap<>();

	private final Pool pool = new Pool();

	private final Driver driver = new Driver();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public JournalMode getJournalMode() {
		return this.journalMode;
	}

	public void setJournalMode(JournalMode journalMode) {
		this.journalMode = journalMode;
	}

	public SynchronousMode getSynchronous() {
		return this.synchronous;
	}

	public void setSynchronous(SynchronousMode synchronous) {
		this.synchronous = synchronous;
	}

	public Duration getBusyTimeout() {
		return this.busyTimeout;
	}

	public void setBusyTimeout(Duration busyTimeout) {
		this.busyTimeout = busyTimeout;
	}

	public boolean isForeignKeys() {
		return this.foreignKeys;
	}

	public void setForeignKeys(boolean foreignKeys) {
		this.foreignKeys = foreignKeys;
	}

	public boolean isProcessExclusive() {
		return this.processExclusive;
	}

	public void setProcessExclusive(boolean processExclusive) {
		this.processExclusive = processExclusive;
	}

	public Map<String, String> getPragmas() {
		return this.pragmas;
	}

	public Pool getPool() {
		return this.pool;
	}

	public Driver getDriver() {
		return this.driver;
	}

	/**
	 * The SQLite driver's date options, for every connection kiwi-db opens.
	 */
	public static class Driver {

		/**
		 * How dates a statement binds (setTimestamp, Hibernate's timestamps) are stored: INTEGER
		 * (seconds or milliseconds since 1970, see date-precision), TEXT (in date-string-format) or
		 * REAL (a Julian day number). Values are read back by their storage class, whatever this says.
		 */
		private DateClass dateClass = DateClass.INTEGER;

		/**
		 * The unit of dates stored and read as integers: SECONDS or MILLISECONDS since 1970.
		 */
		private DatePrecision datePrecision = DatePrecision.MILLISECONDS;

		/**
		 * The pattern, in java.text.SimpleDateFormat's letters, that dates are written in with
		 * date-class TEXT and that text values are parsed with when read as dates, for example
		 * 'yyyy-MM-dd'T'HH:mm:ss.SSSXXX' (XXX writes 'Z' in UTC and '+05:45' elsewhere; a single X
		 * drops the minutes of an offset).
		 */
		private String dateStringFormat = "yyyy-MM-dd HH:mm:ss.SSS";

		public DateClass getDateClass() {
			return this.dateClass;
		}

		public void setDateClass(DateClass dateClass) {
			this.dateClass = dateClass;
		}

		public DatePrecision getDatePrecision() {
			return this.datePrecision;
		}

		public void setDatePrecision(DatePrecision datePrecision) {
			this.datePrecision = datePrecision;
		}

		public String getDateStringFormat() {
			return this.dateStringFormat;
		}

		public void setDateStringFormat(String dateStringFormat) {
			this.dateStringFormat = dateStringFormat;
		}

	}

	/**
	 * Connection settings.
	 */
	public static class Pool {

		/**
		 * How long a thread waits for the single writer connection before failing.
		 */
		private Duration acquireTimeout = Duration.ofSeconds(30);

		/**
		 * Read-only connections serving @Transactional(readOnly = true). Defaults to 10 for a
		 * file and 0 for ':memory:'. 0 sends read-only transactions to the writer.
		 */
		private Integer readers;

		/**
		 * Prepared statements each connection keeps for reuse. 0 turns the cache off.
		 */
		private int statementCacheSize = 64;

		public Integer getReaders() {
			return this.readers;
		}

		public void setReaders(Integer readers) {
			this.readers = readers;
		}

		public int getStatementCacheSize() {
			return this.statementCacheSize;
		}

		public void setStatementCacheSize(int statementCacheSize) {
			this.statementCacheSize = statementCacheSize;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

	}

}
