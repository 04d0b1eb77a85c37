package io.kiwistack.db.autoconfigure.replication;

import java.time.Duration;

import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaUrl;
import io.kiwistack.db.replication.ReplicationSettings;
import io.kiwistack.db.replication.s3.S3Settings;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns {@code kiwi.db.replication.*} into the engine's settings and replica client, naming the
 * property in every error.
 */
final class ReplicationPropertiesMapper {

	private ReplicationPropertiesMapper() {
	}

	static ReplicaClient client(KiwiDbReplicationProperties replication) {
		if (replication.getUrl() == null || replication.getUrl().isBlank()) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.url", replication.getUrl(),
					"Replication is enabled (kiwi.db.replication.enabled=true) but no replica is named: set "
							+ "kiwi.db.replication.url to file:/some/dir or s3://bucket/path, or turn replication off.");
		}
		try {
			KiwiDbReplicationProperties.S3 s3 = replication.getS3();
			return ReplicaUrl.open(replication.getUrl(), new S3Settings(s3.getEndpoint(), s3.getRegion(),
					s3.getAccessKeyId(), s3.getSecretAccessKey(), s3.isForcePathStyle()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.url", replication.getUrl(),
					ex.getMessage());
		}
	}

	static ReplicationSettings settings(KiwiDbReplicationProperties replication) {
		return ReplicationSettings.defaults()
			.withSyncInterval(positive("kiwi.db.replication.sync-interval", replication.getSyncInterval()))
			.withSnapshotInterval(positive("kiwi.db.replication.snapshot-interval", replication.getSnapshotInterval()))
			.withRetention(positive("kiwi.db.replication.retention", replication.getRetention()))
			.withLeaseTimeout(positive("kiwi.db.replication.lease-timeout", replication.getLeaseTimeout()))
			.withMaxWalBytes(maxWalBytes(replication));
	}

	static Duration pollInterval(KiwiDbReplicationProperties replication) {
		return positive("kiwi.db.replication.poll-interval", replication.getPollInterval());
	}

	static Duration maxLag(KiwiDbReplicationProperties replication) {
		return positive("kiwi.db.replication.max-lag", replication.getMaxLag());
	}

	static Duration unhealthyAfter(KiwiDbReplicationProperties replication) {
		return positive("kiwi.db.replication.unhealthy-after", replication.getUnhealthyAfter());
	}

	private static long maxWalBytes(KiwiDbReplicationProperties replication) {
		if (replication.getMaxWalSize() == null || replication.getMaxWalSize().toBytes() < ReplicationSettings.DEFAULT_CHECKPOINT_THRESHOLD) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.max-wal-size",
					replication.getMaxWalSize(), "It must be at least 4MB, the size at which the replicator checkpoints.");
		}
		return replication.getMaxWalSize().toBytes();
	}

	private static Duration positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"It must be a positive duration, for example 1s.");
		}
		return value;
	}

}
