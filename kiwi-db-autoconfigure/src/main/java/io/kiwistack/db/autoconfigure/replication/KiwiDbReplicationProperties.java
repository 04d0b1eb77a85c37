package io.kiwistack.db.autoconfigure.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for replication of the embedded kiwi-db database.
 */
@ConfigurationProperties("kiwi.db.replication")
public class KiwiDbReplicationProperties {

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
	 * How often committed transactions are shipped. A process crash loses nothing (the local file
	 * has every commit); a lost machine loses at most this much of the latest commits.
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

	/**
	 * Base URL at which the other nodes of the replica path reach this service, for example
	 * http://10.0.0.5:8080. A primary publishes it in its claim: replicas stream its new
	 * transactions from it and forward writes to it. Needs peer-secret.
	 */
	private String advertiseUrl;

	/**
	 * Secret shared by all nodes of one replica path, at least 16 characters (openssl rand
	 * -base64 32 makes one): an HMAC key that signs every request to the peer endpoints under
	 * /kiwi-db/ and every answer. Never logged or shown; set it from an environment variable or
	 * a file, not on the command line.
	 */
	private String peerSecret;

	/**
	 * Whether a read replica forwards write requests (forward-methods) to the primary. True on a
	 * replica when unset.
	 */
	private Boolean forwardWrites;

	/**
	 * The HTTP methods of the requests a read replica forwards to the primary.
	 */
	private List<String> forwardMethods = new ArrayList<>(List.of("POST", "PUT", "PATCH", "DELETE"));

	/**
	 * Ant-style path patterns (within the application, such as /login/**) of write requests a
	 * read replica answers itself. Actuator and /kiwi-db/ paths are never forwarded.
	 */
	private List<String> forwardExcludePaths = new ArrayList<>();

	/**
	 * How long a read replica waits for the primary's answer to a forwarded request before it
	 * answers 504 (the write's outcome is unknown).
	 */
	private Duration forwardTimeout = Duration.ofSeconds(30);

	/**
	 * How long a node waits to have applied a client's last write (its kiwi-db-position cookie,
	 * or the write it forwarded) before answering.
	 */
	private Duration readYourWritesTimeout = Duration.ofSeconds(5);

	/**
	 * When a primary's commit returns to the code that made it: 'local' once it is in the local
	 * file; 'replica' once a read replica streaming from this primary holds it too, waiting at
	 * most commit-ack-timeout. Replica needs peer-secret and advertise-url, without which no
	 * replica streams from the primary.
	 */
	private CommitAckMode commitAck = CommitAckMode.LOCAL;

	/**
	 * How long a commit waits for a read replica to hold it, with commit-ack=replica. Past it the
	 * commit returns all the same (it is durable locally), the metric
	 * kiwi.db.replication.commit.ack.timeouts counts it, and health reports replication DEGRADED
	 * until a commit is acknowledged in time again.
	 */
	private Duration commitAckTimeout = Duration.ofSeconds(1);

	private final S3 s3 = new S3();

	private final Age age = new Age();

	public String getAdvertiseUrl() {
		return this.advertiseUrl;
	}

	public void setAdvertiseUrl(String advertiseUrl) {
		this.advertiseUrl = advertiseUrl;
	}

	public String getPeerSecret() {
		return this.peerSecret;
	}

	public void setPeerSecret(String peerSecret) {
		this.peerSecret = peerSecret;
	}

	public Boolean getForwardWrites() {
		return this.forwardWrites;
	}

	public void setForwardWrites(Boolean forwardWrites) {
		this.forwardWrites = forwardWrites;
	}

	public List<String> getForwardMethods() {
		return this.forwardMethods;
	}

	public void setForwardMethods(List<String> forwardMethods) {
		this.forwardMethods = forwardMethods;
	}

	public List<String> getForwardExcludePaths() {
		return this.forwardExcludePaths;
	}

	public void setForwardExcludePaths(List<String> forwardExcludePaths) {
		this.forwardExcludePaths = forwardExcludePaths;
	}

	public Duration getForwardTimeout() {
		return this.forwardTimeout;
	}

	public void setForwardTimeout(Duration forwardTimeout) {
		this.forwardTimeout = forwardTimeout;
	}

	public Duration getReadYourWritesTimeout() {
		return this.readYourWritesTimeout;
	}

	public void setReadYourWritesTimeout(Duration readYourWritesTimeout) {
		this.readYourWritesTimeout = readYourWritesTimeout;
	}

	public CommitAckMode getCommitAck() {
		return this.commitAck;
	}

	public void setCommitAck(CommitAckMode commitAck) {
		this.commitAck = commitAck;
	}

	public Duration getCommitAckTimeout() {
		return this.commitAckTimeout;
	}

	public void setCommitAckTimeout(Duration commitAckTimeout) {
		this.commitAckTimeout = commitAckTimeout;
	}

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

	public Age getAge() {
		return this.age;
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

	/**
	 * S3-compatible storage settings, with Litestream's names. Unset credentials and region come
	 * from the AWS SDK's default chain.
	 */
	/**
	 * Encryption of every snapshot and log segment with age (X25519) before it leaves the machine,
	 * as Litestream 0.3 configures it. Needs com.exceptionfactory.jagged:jagged-x25519.
	 */
	public static class Age {

		/**
		 * Public keys (age1...) every snapshot and log segment is encrypted to. A primary needs at
		 * least one.
		 */
		private List<String> recipients = new ArrayList<>();

		/**
		 * Private keys (AGE-SECRET-KEY-1...) that decrypt the replica: needed to restore it, by a read
		 * replica, and by a primary to resume its generation after a restart. Never logged or shown.
		 */
		private List<String> identities = new ArrayList<>();

		public List<String> getRecipients() {
			return this.recipients;
		}

		public void setRecipients(List<String> recipients) {
			this.recipients = recipients;
		}

		public List<String> getIdentities() {
			return this.identities;
		}

		public void setIdentities(List<String> identities) {
			this.identities = identities;
		}

	}

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
		REPLICA,

		/**
		 * The node that holds the replica's claim is the primary; every other node follows it and
		 * takes over when it is gone. Needs a peer secret and an advertise URL.
		 */
		AUTO

	}

	/**
	 * When a primary's commit returns.
	 */
	public enum CommitAckMode {

		/**
		 * Once it is in the local file.
		 */
		LOCAL,

		/**
		 * Once a read replica streaming from the primary holds it too, or after commit-ack-timeout.
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
