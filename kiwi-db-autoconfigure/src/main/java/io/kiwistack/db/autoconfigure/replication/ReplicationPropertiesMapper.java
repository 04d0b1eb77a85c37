package io.kiwistack.db.autoconfigure.replication;

import java.time.Duration;

import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.replication.InvalidReplicaSettingException;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaUrl;
import io.kiwistack.db.replication.ReplicationSettings;
import io.kiwistack.db.replication.s3.S3Settings;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;

/**
 * Turns {@code kiwi.db.replication.*} into the engine's settings and replica client, naming the
 * property in every error.
 */
final class ReplicationPropertiesMapper {

	private ReplicationPropertiesMapper() {
	}

	static ReplicaClient client(KiwiDbReplicationProperties replication) {
		if (replication.getUrl() == null || replication.getUrl().isBlank()) {
			throw new MissingPropertyException("kiwi.db.replication.url", "replication is on "
					+ "(kiwi.db.replication.enabled=true), and it names no replica to ship commits to and restore from.",
					"Set kiwi.db.replication.url to the replica, a directory (file:///var/backups/kiwi-work) or an "
							+ "S3 bucket and path (s3://bucket/path), or turn replication off with "
							+ "kiwi.db.replication.enabled=false.");
		}
		KiwiDbReplicationProperties.S3 s3 = replication.getS3();
		checkCredentialsPaired(s3);
		try {
			return ReplicaUrl.open(replication.getUrl(), new S3Settings(s3.getEndpoint(), s3.getRegion(),
					s3.getAccessKeyId(), s3.getSecretAccessKey(), s3.isForcePathStyle()));
		}
		catch (InvalidReplicaSettingException ex) {
			throw invalidS3Setting(ex, s3);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.url", replication.getUrl(),
					ex.getMessage());
		}
	}

	/** One key without the other would fall back to the AWS SDK's default credentials in silence. */
	private static void checkCredentialsPaired(KiwiDbReplicationProperties.S3 s3) {
		boolean id = StringUtils.hasText(s3.getAccessKeyId());
		boolean secret = StringUtils.hasText(s3.getSecretAccessKey());
		if (id == secret) {
			return;
		}
		String set = id ? "kiwi.db.replication.s3.access-key-id" : "kiwi.db.replication.s3.secret-access-key";
		String unset = id ? "kiwi.db.replication.s3.secret-access-key" : "kiwi.db.replication.s3.access-key-id";
		throw new MissingPropertyException(unset, set + " is, and kiwi-db signs with static credentials only "
				+ "when both are set.", "Set " + unset + " as well, or remove " + set + " to use the AWS SDK's default "
						+ "credentials (environment, profile, instance role).");
	}

	/** The error of the {@code kiwi.db.replication.s3.*} property behind a setting the engine refused. */
	static RuntimeException invalidS3Setting(InvalidReplicaSettingException ex, KiwiDbReplicationProperties.S3 s3) {
		String property = "kiwi.db.replication.s3." + ex.setting();
		if (ex.setting().equals("region") && !StringUtils.hasText(s3.getRegion())) {
			String sdkSays = (ex.getCause() != null) ? ex.getCause().getMessage() : ex.getMessage();
			return new MissingPropertyException(property, "the bucket needs one, and the AWS SDK finds none where it "
					+ "looks by default (" + sdkSays + ").", "Set " + property
					+ " to the bucket's region (for example eu-west-1), or give the AWS SDK one (AWS_REGION, "
					+ "~/.aws/config). An S3-compatible store set by kiwi.db.replication.s3.endpoint needs none.");
		}
		String value = ex.setting().equals("endpoint") ? s3.getEndpoint() : s3.getRegion();
		return new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
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
