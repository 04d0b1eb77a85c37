package io.kiwistack.db;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.sqlite.SQLiteConfig;
import org.sqlite.date.FastDateFormat;

/**
 * Everything {@link KiwiDataSource} needs to open a database: where it is, the pragmas every
 * connection gets, and how long a thread waits for the writer. Immutable; built with
 * {@link #builder(String)}, which rejects values SQLite would not take before any file is touched.
 */
public final class KiwiDbSettings {

	/** The path that asks for a private in-memory database instead of a file. */
	public static final String IN_MEMORY = ":memory:";

	private static final int DEFAULT_READERS = 10;

	private static final Pattern PRAGMA_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

	private static final Pattern PRAGMA_VALUE = Pattern.compile("-?[A-Za-z0-9_.]+");

	private static final Set<String> PRAGMAS_WITH_OWN_SETTING = Set.of("journal_mode", "synchronous",
			"busy_timeout", "foreign_keys", "query_only", "wal_autocheckpoint");

	private final String path;

	private final JournalMode journalMode;

	private final SynchronousMode synchronous;

	private final Duration busyTimeout;

	private final boolean foreignKeys;

	private final Map<String, String> pragmas;

	private final Duration acquireTimeout;

	private final int readers;

	private final int statementCacheSize;

	private final boolean autoCheckpoint;

	private final long journalSizeLimit;

	private final String replicaOf;

	private final boolean processExclusive;

	private final DateClass dateClass;

	private final DatePrecision datePrecision;

	private final String dateStringFormat;

	private KiwiDbSettings(Builder builder) {
		this.path = builder.path;
		this.journalMode = builder.journalMode;
		this.synchronous = builder.synchronous;
		this.busyTimeout = builder.busyTimeout;
		this.foreignKeys = builder.foreignKeys;
		this.pragmas = Collections.unmodifiableMap(new LinkedHashMap<>(builder.pragmas));
		this.acquireTimeout = builder.acquireTimeout;
		this.readers = (builder.readers != null) ? builder.readers : defaultReaders(inMemory());
		this.statementCacheSize = builder.statementCacheSize;
		this.autoCheckpoint = builder.autoCheckpoint;
		this.journalSizeLimit = builder.journalSizeLimit;
		this.replicaOf = builder.replicaOf;
		this.processExclusive = builder.processExclusive;
		this.dateClass = builder.dateClass;
		this.datePrecision = builder.datePrecision;
		this.dateStringFormat = builder.dateStringFormat;
		if (this.replicaOf != null && this.readers == 0) {
			throw new IllegalArgumentException("A read replica needs at least one reader connection");
		}
		if (inMemory() && this.readers > 0) {
			throw new IllegalArgumentException(
					"A private in-memory database has no reader connections: each connection would see its own empty database");
		}
	}

	private static int defaultReaders(boolean inMemory) {
		// As many as HikariCP's default pool, whatever the cores: up to ten read-only transactions at
		// once never wait for a reader. A thread waiting for one costs a park and a wake-up in every
		// transaction (the benchmarks measured 8 threads on 4 readers scaling half as well as 8
		// connections of their own), while readers past the cores only share them; each is an open
		// file and its page cache.
		return inMemory ? 0 : DEFAULT_READERS;
	}

	/**
	 * Start settings for the database at {@code path}, or {@link #IN_MEMORY}.
	 * @param path the database file
	 * @return a builder with kiwi-db's defaults
	 */
	public static Builder builder(String path) {
		return new Builder(path);
	}

	public String path() {
		return this.path;
	}

	public boolean inMemory() {
		return IN_MEMORY.equals(this.path);
	}

	public JournalMode journalMode() {
		return this.journalMode;
	}

	public SynchronousMode synchronous() {
		return this.synchronous;
	}

	public Duration busyTimeout() {
		return this.busyTimeout;
	}

	public boolean foreignKeys() {
		return this.foreignKeys;
	}

	/** Further pragmas, in the order they are applied, names in lower case. */
	public Map<String, String> pragmas() {
		return this.pragmas;
	}

	public Duration acquireTimeout() {
		return this.acquireTimeout;
	}

	/** How many read-only connections serve read-only transactions; 0 sends them to the writer. */
	public int readers() {
		return this.readers;
	}

	/** How many idle prepared statements each connection keeps; 0 keeps none. */
	public int statementCacheSize() {
		return this.statementCacheSize;
	}

	/**
	 * Whether SQLite checkpoints the write-ahead log by itself; off when a replicator owns the
	 * checkpoints ({@code wal_autocheckpoint=0} on every connection).
	 */
	public boolean autoCheckpoint() {
		return this.autoCheckpoint;
	}

	/**
	 * The size the write-ahead log file is cut back to each time SQLite restarts the log
	 * ({@code journal_size_limit}), -1 for SQLite's default of never. With replication on, this
	 * keeps the file's size a measure of the log it holds after a burst.
	 */
	public long journalSizeLimit() {
		return this.journalSizeLimit;
	}

	/**
	 * The replica this database follows, when it is a read replica: it then has no writer, and
	 * every connection is a read-only one. {@code null} for a primary.
	 */
	public String replicaOf() {
		return this.replicaOf;
	}

	/**
	 * Whether this process takes the database file for itself while it is open: SQLite's
	 * {@code unix-excl} file locking, where the process holds one exclusive lock on the file and
	 * its connections coordinate in memory instead of through a lock system call per transaction.
	 * Other processes (the {@code sqlite3} shell, an external Litestream) can't open the file
	 * meanwhile. Applies to a database file on a Unix-like system; ignored elsewhere.
	 */
	public boolean processExclusive() {
		return this.processExclusive;
	}

	/** How the driver stores dates a statement binds; {@link DateClass#INTEGER} by default. */
	public DateClass dateClass() {
		return this.dateClass;
	}

	/**
	 * The unit of dates stored and read as integers; {@link DatePrecision#MILLISECONDS} by default.
	 */
	public DatePrecision datePrecision() {
		return this.datePrecision;
	}

	/**
	 * The pattern ({@link java.text.SimpleDateFormat}'s letters) dates are written in with
	 * {@link DateClass#TEXT} and text values are parsed with when read as dates; the driver's
	 * {@code yyyy-MM-dd HH:mm:ss.SSS} by default.
	 */
	public String dateStringFormat() {
		return this.dateStringFormat;
	}

	/**
	 * A builder that starts from these settings: for the same database opened in another role
	 * (a read replica promoted to primary opens a writer).
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.path);
		builder.journalMode = this.journalMode;
		builder.synchronous = this.synchronous;
		builder.busyTimeout = this.busyTimeout;
		builder.foreignKeys = this.foreignKeys;
		builder.pragmas.putAll(this.pragmas);
		builder.acquireTimeout = this.acquireTimeout;
		builder.readers = this.readers;
		builder.statementCacheSize = this.statementCacheSize;
		builder.autoCheckpoint = this.autoCheckpoint;
		builder.journalSizeLimit = this.journalSizeLimit;
		builder.replicaOf = this.replicaOf;
		builder.processExclusive = this.processExclusive;
		builder.dateClass = this.dateClass;
		builder.datePrecision = this.datePrecision;
		builder.dateStringFormat = this.dateStringFormat;
		return builder;
	}

	/** Builds {@link KiwiDbSettings}; each setter checks its value at once. */
	public static final class Builder {

		private final String path;

		private JournalMode journalMode = JournalMode.WAL;

		private SynchronousMode synchronous = SynchronousMode.NORMAL;

		private Duration busyTimeout = Duration.ofSeconds(5);

		private boolean foreignKeys = true;

		private final Map<String, String> pragmas = new LinkedHashMap<>();

		private Duration acquireTimeout = Duration.ofSeconds(30);

		private Integer readers;

		private int statementCacheSize = 64;

		private boolean autoCheckpoint = true;

		private long journalSizeLimit = -1;

		private String replicaOf;

		private boolean processExclusive = true;

		private DateClass dateClass = DateClass.INTEGER;

		private DatePrecision datePrecision = DatePrecision.MILLISECONDS;

		private String dateStringFormat = SQLiteConfig.DEFAULT_DATE_STRING_FORMAT;

		private Builder(String path) {
			if (path == null || path.isBlank()) {
				throw new IllegalArgumentException("The database path must not be empty");
			}
			this.path = path;
		}

		public Builder journalMode(JournalMode journalMode) {
			this.journalMode = Objects.requireNonNull(journalMode, "journalMode");
			return this;
		}

		public Builder synchronous(SynchronousMode synchronous) {
			this.synchronous = Objects.requireNonNull(synchronous, "synchronous");
			return this;
		}

		public Builder busyTimeout(Duration busyTimeout) {
			this.busyTimeout = requirePositive(busyTimeout, "busy timeout");
			return this;
		}

		public Builder foreignKeys(boolean foreignKeys) {
			this.foreignKeys = foreignKeys;
			return this;
		}

		/**
		 * Add a pragma applied to every connection after kiwi-db's own and read back to check that
		 * SQLite took it.
		 * @param name the pragma, for example {@code cache_size}
		 * @param value a number or a keyword, for example {@code -20000} or {@code memory}
		 * @return this builder
		 */
		public Builder pragma(String name, String value) {
			String key = Objects.requireNonNull(name, "name").trim().toLowerCase(Locale.ROOT);
			if (!PRAGMA_NAME.matcher(key).matches()) {
				throw new IllegalArgumentException("'" + name + "' is not a pragma name");
			}
			if (PRAGMAS_WITH_OWN_SETTING.contains(key)) {
				throw new IllegalArgumentException(
						"Pragma '" + key + "' has its own setting; set it there, not as an extra pragma");
			}
			String trimmed = (value != null) ? value.trim() : "";
			if (!PRAGMA_VALUE.matcher(trimmed).matches()) {
				throw new IllegalArgumentException("Pragma '" + key + "' value '" + value
						+ "' is not a number or a keyword");
			}
			this.pragmas.put(key, trimmed);
			return this;
		}

		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = requirePositive(acquireTimeout, "acquire timeout");
			return this;
		}

		/**
		 * Set the number of read-only connections; by default 10 for a file and 0
		 * for an in-memory database.
		 * @param readers zero or more
		 * @return this builder
		 */
		public Builder readers(int readers) {
			if (readers < 0) {
				throw new IllegalArgumentException("The number of readers must not be negative, not " + readers);
			}
			this.readers = readers;
			return this;
		}

		public Builder statementCacheSize(int statementCacheSize) {
			if (statementCacheSize < 0) {
				throw new IllegalArgumentException(
						"The statement cache size must not be negative, not " + statementCacheSize);
			}
			this.statementCacheSize = statementCacheSize;
			return this;
		}

		public Builder journalSizeLimit(long bytes) {
			this.journalSizeLimit = bytes;
			return this;
		}

		public Builder autoCheckpoint(boolean autoCheckpoint) {
			this.autoCheckpoint = autoCheckpoint;
			return this;
		}

		/**
		 * Make this database a read replica of {@code replica}, for error messages that tell a
		 * caller where writes go.
		 */
		public Builder replicaOf(String replica) {
			this.replicaOf = replica;
			return this;
		}

		/** Whether this process takes the file for itself while open; see {@link KiwiDbSettings#processExclusive()}. */
		public Builder processExclusive(boolean processExclusive) {
			this.processExclusive = processExclusive;
			return this;
		}

		public Builder dateClass(DateClass dateClass) {
			this.dateClass = Objects.requireNonNull(dateClass, "dateClass");
			return this;
		}

		public Builder datePrecision(DatePrecision datePrecision) {
			this.datePrecision = Objects.requireNonNull(datePrecision, "datePrecision");
			return this;
		}

		/**
		 * Set the pattern dates are written in as text and text values are read with.
		 * @param pattern {@link java.text.SimpleDateFormat}'s letters, for example
		 * {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} ({@code XXX} writes {@code Z} in UTC and {@code +05:45}
		 * elsewhere; a single {@code X} drops the minutes of an offset)
		 * @return this builder
		 * @throws IllegalArgumentException when the driver can't use the pattern
		 */
		public Builder dateStringFormat(String pattern) {
			if (pattern == null || pattern.isBlank()) {
				throw new IllegalArgumentException("The date string format must not be empty");
			}
			try {
				// The driver builds this format when it opens a connection and fails there; checked here
				// instead, before any file is touched.
				FastDateFormat.getInstance(pattern);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("'" + pattern + "' is not a date format the driver can use ("
						+ ex.getMessage() + "); use java.text.SimpleDateFormat's pattern letters", ex);
			}
			this.dateStringFormat = pattern;
			return this;
		}

		public KiwiDbSettings build() {
			return new KiwiDbSettings(this);
		}

		private static Duration requirePositive(Duration duration, String what) {
			Objects.requireNonNull(duration, what);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("The " + what + " must be positive, not " + duration);
			}
			return duration;
		}

	}

}
