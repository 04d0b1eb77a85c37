package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * How a primary ships its database: how often, how often it takes a full snapshot, how long the
 * replica keeps history for restores to a point in time, and how large the write-ahead log may
 * grow before the replicator checkpoints it.
 *
 * @param syncInterval how often committed transactions are shipped
 * @param snapshotInterval how often a new snapshot is taken
 * @param retention how long snapshots and segments are kept
 * @param checkpointThresholdBytes the log size at which the replicator checkpoints
 */
public record ReplicationSettings(Duration syncInterval, Duration snapshotInterval, Duration retention,
		long checkpointThresholdBytes) {

	/** SQLite's own automatic checkpoint threshold: 1000 pages of 4 KiB. */
	public static final long DEFAULT_CHECKPOINT_THRESHOLD = 1000L * 4096;

	public ReplicationSettings {
		requirePositive(syncInterval, "sync interval");
		requirePositive(snapshotInterval, "snapshot interval");
		requirePositive(retention, "retention");
		if (checkpointThresholdBytes <= 0) {
			throw new IllegalArgumentException("The checkpoint threshold must be positive");
		}
	}

	/** Litestream's defaults: ship every second, snapshot daily, keep a day. */
	public static ReplicationSettings defaults() {
		return new ReplicationSettings(Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofHours(24),
				DEFAULT_CHECKPOINT_THRESHOLD);
	}

	public ReplicationSettings withSyncInterval(Duration interval) {
		return new ReplicationSettings(interval, this.snapshotInterval, this.retention, this.checkpointThresholdBytes);
	}

	public ReplicationSettings withSnapshotInterval(Duration interval) {
		return new ReplicationSettings(this.syncInterval, interval, this.retention, this.checkpointThresholdBytes);
	}

	public ReplicationSettings withRetention(Duration retention) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, retention, this.checkpointThresholdBytes);
	}

	public ReplicationSettings withCheckpointThresholdBytes(long bytes) {
		return new ReplicationSettings(this.syncInterval, this.snapshotInterval, this.retention, bytes);
	}

	private static void requirePositive(Duration duration, String what) {
		Objects.requireNonNull(duration, what);
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException("The " + what + " must be positive, not " + duration);
		}
	}

}
