package io.kiwistack.db.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kiwistack.db.JournalMode;
import io.kiwistack.db.SynchronousMode;

import org.springframework.boot.context.properties.ConfigurationProperties;

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
	 * Further pragmas applied to every connection and read back, for example 'cache_size: -20000'.
	 * A value SQLite does not take stops startup.
	 */
	private final Map<String, String> pragmas = new LinkedHashMap<>();

	private final Pool pool = new Pool();

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

	public Map<String, String> getPragmas() {
		return this.pragmas;
	}

	public Pool getPool() {
		return this.pool;
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

}
