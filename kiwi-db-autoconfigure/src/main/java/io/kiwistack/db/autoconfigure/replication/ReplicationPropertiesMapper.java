package io.kiwistack.db.autoconfigure.replication;

import java.time.Duration;

import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.replication.AgeEncryption;
import io.kiwistack.db.replication.AgeKeyException;
import io.kiwistack.db.replication.CommitAck;
import io.kiwistack.db.replication.InvalidReplicaSettingException;
import io.kiwistack.db.replication.PeerSecret;
import io.kiwistack.db.replication.PeerSettings;
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

	private static final String AGE_RECIPIENTS = "kiwi.db.replication.age.recipients";

	private static final String AGE_IDENTITIES = "kiwi.db.replication.age.identities";

	private static final String ADVERTISE_URL = "kiwi.db.replication.advertise-url";

	private static final String PEER_SECRET = "kiwi.db.replication.peer-secret";

	private static final String COMMIT_ACK = "kiwi.db.replication.commit-ack";

	private static final String COMMIT_ACK_TIMEOUT = "kiwi.db.replication.commit-ack-timeout";

	/** How to make a secret and where to keep it, for every message about one. */
	static final String HOW_TO_SET_THE_SECRET = "the same on every node of the replica path, at least 16 characters: "
			+ "openssl rand -base64 32 makes one. Give it in an environment variable (KIWI_DB_REPLICATION_PEERSECRET) "
			+ "or a file, not on the command line, where ps and the JVM show it.";

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
		AgeEncryption encryption = encryption(replication);
		ReplicaClient client;
		try {
			client = ReplicaUrl.open(replication.getUrl(), new S3Settings(s3.getEndpoint(), s3.getRegion(),
					s3.getAccessKeyId(), s3.getSecretAccessKey(), s3.isForcePathStyle()));
		}
		catch (InvalidReplicaSettingException ex) {
			throw invalidS3Setting(ex, s3);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.url", replication.getUrl(),
					ex.getMessage());
		}
		return (encryption != null) ? encryption.encrypting(client) : client;
	}

	/**
	 * The replica's age encryption, {@code null} when {@code kiwi.db.replication.age.*} is not set.
	 * @throws ReplicaEncryptionException naming the property when a key is malformed or the jagged
	 * library is missing
	 * @throws MissingPropertyException when the node's role lacks the keys it needs
	 */
	static AgeEncryption encryption(KiwiDbReplicationProperties replication) {
		return encryption(replication, AgeEncryption.isAvailable());
	}

	static AgeEncryption encryption(KiwiDbReplicationProperties replication, boolean libraryPresent) {
		KiwiDbReplicationProperties.Age age = replication.getAge();
		boolean hasRecipients = !age.getRecipients().isEmpty();
		boolean hasIdentities = !age.getIdentities().isEmpty();
		if (!hasRecipients && !hasIdentities) {
			return null;
		}
		String configured = hasRecipients ? AGE_RECIPIENTS : AGE_IDENTITIES;
		if (!libraryPresent) {
			throw new ReplicaEncryptionException(configured, "encrypting replicas with age needs the jagged library, "
					+ "which is not on the class path", "Add the dependency " + AgeEncryption.LIBRARY
							+ " (version 0.4.0 or later) to the service, or remove kiwi.db.replication.age.*.");
		}
		boolean replica = replication.getMode() == KiwiDbReplicationProperties.Mode.REPLICA;
		// A node in auto mode ships as the primary and follows as a replica: it needs both.
		boolean auto = replication.getMode() == KiwiDbReplicationProperties.Mode.AUTO;
		if (!replica && !hasRecipients) {
			throw new MissingPropertyException(AGE_RECIPIENTS, "a primary encrypts what it ships to recipients, and "
					+ "only identities are set (with identities alone Litestream 0.3 would ship the replica unencrypted).",
					"Set kiwi.db.replication.age.recipients to the public key (age1...) of each identity; "
							+ "age-keygen -y prints it from the identity file.");
		}
		if ((replica || auto) && !hasIdentities) {
			throw new MissingPropertyException(AGE_IDENTITIES, "a read replica decrypts what it follows, and no "
					+ "identity is set.", "Set kiwi.db.replication.age.identities to the identity (AGE-SECRET-KEY-1...) "
							+ "of a recipient the primary encrypts to.");
		}
		try {
			return AgeEncryption.of(age.getRecipients(), age.getIdentities());
		}
		catch (AgeKeyException ex) {
			String property = ((ex.kind() == AgeKeyException.Kind.RECIPIENT) ? AGE_RECIPIENTS : AGE_IDENTITIES) + "["
					+ ex.index() + "]";
			throw new ReplicaEncryptionException(property, ex.getMessage(), "Correct the key: age-keygen writes an "
					+ "identity file whose AGE-SECRET-KEY-1... line is the identity, and prints its recipient (age1...).");
		}
	}

	/**
	 * How this node reaches its peers and proves it is one of them: {@code null} without a
	 * peer secret (no streaming, no peer endpoints).
	 * @throws MissingPropertyException when an advertise URL is set without a secret
	 * @throws PeerSecretException when the secret is too short; its message never holds the secret
	 */
	static PeerSettings peers(KiwiDbReplicationProperties replication) {
		String advertiseUrl = StringUtils.hasText(replication.getAdvertiseUrl()) ? replication.getAdvertiseUrl().strip()
				: null;
		// Stripped: the same secret read from a file with its line end, or from a variable, must match.
		String secret = (replication.getPeerSecret() != null) ? replication.getPeerSecret().strip() : "";
		if (secret.isEmpty()) {
			if (advertiseUrl != null) {
				throw new MissingPropertyException(PEER_SECRET, ADVERTISE_URL + " is, and the other nodes reach this "
						+ "one there only with the secret they all share: its peer endpoints answer nothing else.",
						"Set " + PEER_SECRET + ", " + HOW_TO_SET_THE_SECRET + " Or remove " + ADVERTISE_URL + ".");
			}
			return null;
		}
		PeerSecret peerSecret;
		try {
			peerSecret = new PeerSecret(secret);
		}
		catch (IllegalArgumentException ex) {
			throw new PeerSecretException("it is shorter than 16 characters, too short to keep the peer endpoints "
					+ "under /kiwi-db/ from being guessed", "Set " + PEER_SECRET + " to a longer secret, "
							+ HOW_TO_SET_THE_SECRET);
		}
		String checkedUrl = null;
		if (advertiseUrl != null) {
			try {
				checkedUrl = PeerSettings.checkedBaseUrl(advertiseUrl);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(ADVERTISE_URL, advertiseUrl, ex.getMessage()
						+ ". Set it to the base URL at which the other nodes reach this service, its context path "
						+ "included if it has one, for example http://10.0.0.5:8080.");
			}
		}
		return new PeerSettings(checkedUrl, peerSecret);
	}

	/**
	 * When a primary's commits return. With {@code replica}, only a read replica streaming from
	 * the primary acknowledges a commit, and it streams only with the shared secret, from the URL
	 * the primary advertises: without either every commit would wait out the timeout, so startup
	 * stops instead.
	 * @param peers the primary's peer settings, {@code null} without a peer secret
	 * @throws MissingPropertyException naming the peer secret or the advertise URL that replica needs
	 */
	static CommitAck commitAck(KiwiDbReplicationProperties replication, PeerSettings peers) {
		Duration timeout = commitAckTimeout(replication);
		if (replication.getCommitAck() != KiwiDbReplicationProperties.CommitAckMode.REPLICA) {
			return new CommitAck(CommitAck.Mode.LOCAL, timeout);
		}
		String why = COMMIT_ACK + " is replica, and a commit is acknowledged only by a read replica streaming from "
				+ "this primary, ";
		String orLocal = " Or set " + COMMIT_ACK + "=local, to have commits return once they are in the local file.";
		if (peers == null) {
			throw new MissingPropertyException(PEER_SECRET, why + "which streams only with the secret all nodes share: "
					+ "without it every commit would wait out " + COMMIT_ACK_TIMEOUT + ".",
					"Set " + PEER_SECRET + ", " + HOW_TO_SET_THE_SECRET + " Set " + ADVERTISE_URL + " as well." + orLocal);
		}
		if (peers.advertiseUrl() == null) {
			throw new MissingPropertyException(ADVERTISE_URL, why + "which finds it at the URL this primary publishes "
					+ "in its claim: without one every commit would wait out " + COMMIT_ACK_TIMEOUT + ".",
					"Set " + ADVERTISE_URL + " to the base URL at which the other nodes reach this service, for example "
							+ "http://10.0.0.5:8080." + orLocal);
		}
		return CommitAck.replica(timeout);
	}

	static Duration commitAckTimeout(KiwiDbReplicationProperties replication) {
		return positive(COMMIT_ACK_TIMEOUT, replication.getCommitAckTimeout());
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

	static Duration readYourWritesTimeout(KiwiDbReplicationProperties replication) {
		return positive("kiwi.db.replication.read-your-writes-timeout", replication.getReadYourWritesTimeout());
	}

	static Duration forwardTimeout(KiwiDbReplicationProperties replication) {
		return positive("kiwi.db.replication.forward-timeout", replication.getForwardTimeout());
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
