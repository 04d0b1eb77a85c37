package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * How a primary ships its database: how often, how often it takes a full snapshot, how long the
 * replica keeps history for restores to a point in time, how large the write-ahead log may grow
 * before the replicator checkpoints it (and, with the replica unreachable, at most), and how long
 * a crashed primary's claim on the replica lasts.
 *
 * @param syncInterval how often committed transactions are shipped
 * @param snapshotInterval how often a new snapshot is taken
 * @param retention how long snapshots and segments are kept
 * @param checkpointThresholdBytes the log size at which the replicator checkpoints
 * @param maxWalBytes the log size at which the replicator checkpoints even what it could not ship,
 * while the replica is unreachable; a new generation follows once it is back
 * @param leaseTimeout how long the primary's claim on the replica lasts without renewal
 */
public record ReplicationSettings(Duration syncInterval, Duration snapshotInterval, Duration retention,
		long checkpointThresholdBytes, long maxWalBytes, Duration leaseTimeout) {

	/** SQLite's own automatic checkpoint threshold: 1000 pages of 4 KiB. */
	public static final long DEFAULT_CHECKPOINT_THRESHOLD = 1000L * 4096;

	/** The largest the log grows while the replica is unreachable, by default. */
	public static final long DEFAULT_MAX_WAL_BYTES = 64L * 1024 * 1024;

	public ReplicationSettings {
		requirePositive(syncInterval, "sync interval");
		requirePositive(snapshotInterval, "snapshot interval");
		requirePositive(retention, "retention");
		requirePositive(leaseTimeout, "lease timeout");
		if (checkpointThresholdBytes <= 0 || maxWalBytes <= 0) {
			throw new IllegalArgumentException("The checkpoint threshold and the largest log size must be positive");
		}
	}

	/** Litestream's defaults: ship every second, snapshot daily, keep a day; claims last 30 s. */
	public static ReplicationSettings defaults() {
		return new ReplicationSettings(Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofHours(24),
				DEFAULT_CHECKPOINT_THRESHOLD, DEFAULT_MAX_WAL_BYTES, Duration.ofSeconds(30));
	}

	public ReplicationSettings withSyncInterval(Duration interval) {
		return new ReplicationSettings(interval, this.snapshotInterval, this.retention, this.checkpointThresholdBytes,
				this.maxWalBytes, this.leaseTimeout);
	}

	public ReplicationSettings withSnapshotInterval(Duration interval) {
		return new ReplicationSettings(this.syncInterval, interval, this.retention, this.checkpointThresholdBytes,
				this.maxWalBytes, this.leaseTimeout);
	}

	public ReplicationSettings withRetention(Duration retention) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, retention,
				this.checkpointThresholdBytes, this.maxWalBytes, this.leaseTimeout);
	}

	public ReplicationSettings withCheckpointThresholdBytes(long bytes) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, this.retention, bytes,
				this.maxWalBytes, this.leaseTimeout);
	}

	public ReplicationSettings withMaxWalBytes(long bytes) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, this.retention,
				this.checkpointThresholdBytes, bytes, this.leaseTimeout);
	}

	public ReplicationSettings withLeaseTimeout(Duration timeout) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, this.retention,
				this.checkpointThresholdBytes, this.maxWalBytes, timeout);
	}

	private static void requirePositive(Duration duration, String what) {
		Objects.requireNonNull(duration, what);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException("The " + what + " must be positive, not " + duration);
		}
	}

}
