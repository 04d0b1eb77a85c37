package io.kiwistack.db.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kiwistack.db.DateClass;
import io.kiwistack.db.DatePrecision;
import io.kiwistack.db.JournalMode;
import io.kiwistack.db.SynchronousMode;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for the embedded kiwi-db database.
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

	private final Replication replication = new Replication();

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

	public Replication getReplication() {
		return this.replication;
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
		 * Read-only connections serving @Transactional(readOnly = true). Defaults to 4 for a
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

	/**
	 * Replication settings.
	 */
	public static class Replication {

		/**
		 * Whether to stream every commit to a replica.
		 */
		private boolean enabled;

		/**
		 * Where the replica lives: 'file:/some/dir' or 's3://bucket/path'.
		 */
		private String url;

		/**
		 * Whether this node ships its commits (primary) or follows the replica read-only (replica).
		 */
		private Mode mode = Mode.PRIMARY;

		/**
		 * How often a read replica looks for new transactions in the replica.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How far a read replica may fall behind before health reports the database DOWN.
		 */
		private Duration maxLag = Duration.ofSeconds(30);

		/**
		 * How often committed transactions are shipped: a crash loses at most this much.
		 */
		private Duration syncInterval = Duration.ofSeconds(1);

		/**
		 * How often a full snapshot of the database is written to the replica.
		 */
		private Duration snapshotInterval = Duration.ofHours(24);

		/**
		 * How long snapshots and log segments are kept for restores to a point in time.
		 */
		private Duration retention = Duration.ofHours(24);

		/**
		 * Whether to restore the database from the replica on startup when the file is missing.
		 */
		private Restore restore = Restore.IF_MISSING;

		/**
		 * Whether a restore (on startup, or a read replica's first copy) may fall back to an older
		 * generation when the newest one can't be restored because its snapshot is missing, losing
		 * the newest generation's transactions. Off, such a restore stops with an error naming the
		 * generation and the missing object.
		 */
		private boolean allowOlderGeneration;

		/**
		 * How long replication may keep failing before health reports the database DOWN.
		 */
		private Duration unhealthyAfter = Duration.ofMinutes(1);

		/**
		 * How long a primary's claim on the replica lasts without renewal: after a crash, another
		 * primary can take the replica over once this has passed.
		 */
		private Duration leaseTimeout = Duration.ofSeconds(30);

		/**
		 * The largest the write-ahead log may grow while the replica is unreachable; past it the
		 * log is checkpointed anyway and a new generation starts once the replica is back.
		 */
		private DataSize maxWalSize = DataSize.ofMegabytes(64);

		private final S3 s3 = new S3();

		public Duration getLeaseTimeout() {
			return this.leaseTimeout;
		}

		public void setLeaseTimeout(Duration leaseTimeout) {
			this.leaseTimeout = leaseTimeout;
		}

		public DataSize getMaxWalSize() {
			return this.maxWalSize;
		}

		public void setMaxWalSize(DataSize maxWalSize) {
			this.maxWalSize = maxWalSize;
		}

		public S3 getS3() {
			return this.s3;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getUrl() {
			return this.url;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			this.maxLag = maxLag;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public Duration getSyncInterval() {
			return this.syncInterval;
		}

		public void setSyncInterval(Duration syncInterval) {
			this.syncInterval = syncInterval;
		}

		public Duration getSnapshotInterval() {
			return this.snapshotInterval;
		}

		public void setSnapshotInterval(Duration snapshotInterval) {
			this.snapshotInterval = snapshotInterval;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Restore getRestore() {
			return this.restore;
		}

		public void setRestore(Restore restore) {
			this.restore = restore;
		}

		public boolean isAllowOlderGeneration() {
			return this.allowOlderGeneration;
		}

		public void setAllowOlderGeneration(boolean allowOlderGeneration) {
			this.allowOlderGeneration = allowOlderGeneration;
		}

		public Duration getUnhealthyAfter() {
			return this.unhealthyAfter;
		}

		public void setUnhealthyAfter(Duration unhealthyAfter) {
			this.unhealthyAfter = unhealthyAfter;
		}

	}

	/**
	 * S3-compatible storage settings, with Litestream's names. Unset credentials and region come
	 * from the AWS SDK's default chain.
	 */
	public static class S3 {

		/**
		 * Endpoint URL of S3-compatible storage (MinIO, Ceph, R2, ...); unset for AWS.
		 */
		private String endpoint;

		/**
		 * Region of the bucket.
		 */
		private String region;

		/**
		 * Access key id.
		 */
		private String accessKeyId;

		/**
		 * Secret access key. Never logged or shown.
		 */
		private String secretAccessKey;

		/**
		 * Whether to address the bucket as a path instead of a host name; most non-AWS endpoints
		 * need it.
		 */
		private boolean forcePathStyle;

		public String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(String endpoint) {
			this.endpoint = endpoint;
		}

		public String getRegion() {
			return this.region;
		}

		public void setRegion(String region) {
			this.region = region;
		}

		public String getAccessKeyId() {
			return this.accessKeyId;
		}

		public void setAccessKeyId(String accessKeyId) {
			this.accessKeyId = accessKeyId;
		}

		public String getSecretAccessKey() {
			return this.secretAccessKey;
		}

		public void setSecretAccessKey(String secretAccessKey) {
			this.secretAccessKey = secretAccessKey;
		}

		public boolean isForcePathStyle() {
			return this.forcePathStyle;
		}

		public void setForcePathStyle(boolean forcePathStyle) {
			this.forcePathStyle = forcePathStyle;
		}

	}

	/**
	 * Which side of replication a node is.
	 */
	public enum Mode {

		/**
		 * Ships every commit to the replica.
		 */
		PRIMARY,

		/**
		 * Follows the replica and serves reads; takes no writes.
		 */
		REPLICA

	}

	/**
	 * When to restore the database from its replica on startup.
	 */
	public enum Restore {

		/**
		 * Restore when the database file does not exist; an existing file is never replaced.
		 */
		IF_MISSING,

		/**
		 * Never restore on startup.
		 */
		NEVER

	}

}
