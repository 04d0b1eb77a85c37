package io.kiwistack.db.replication;

import java.util.List;

import io.kiwistack.db.testsupport.AtomicConditionalBlobStore;
import io.kiwistack.db.testsupport.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.s3.S3ReplicaClient;

/**
 * The {@link ReplicaClient} contract for a replica in an S3 bucket, against a real S3 API server
 * in this JVM (S3Proxy, 127.0.0.1, signatures checked), a fresh bucket per test; then what only S3
 * has: a prefix is a replica of its own beside others in one bucket. The server's store is
 * {@link AtomicConditionalBlobStore}: S3Proxy alone lets racing {@code If-Match} PUTs all through,
 * which S3 does not.
 */
class S3ReplicaClientContractTests extends ReplicaClientContractTests {

	private static final String PREFIX = "contract/prefix";

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension(AtomicConditionalBlobStore::new);

	private String bucket;

	/** The client as {@link S3ReplicaClient#create} builds it, less S3Proxy's chunked-upload quirk. */
	@Override
	protected ReplicaClient newReplica() {
		this.bucket = s3.newBucket();
		return client(PREFIX);
	}

	private S3ReplicaClient client(String prefix) {
		return new S3ReplicaClient(s3.sdkClient(), this.bucket, prefix);
	}

	/** A snapshot upload killed halfway leaves a multipart upload with a part, never completed. */
	@Override
	protected void leaveAbandonedWrite(String path) {
		leaveUpload(PREFIX + "/" + path);
	}

	private void leaveUpload(String key) {
		try (S3Client sdk = s3.sdkClient()) {
			String uploadId = sdk.createMultipartUpload((create) -> create.bucket(this.bucket).key(key)).uploadId();
			sdk.uploadPart((part) -> part.bucket(this.bucket).key(key).uploadId(uploadId).partNumber(1),
					RequestBody.fromBytes(randomBytes(64 * 1024, 9)));
		}
	}

	@Override
	protected List<String> secrets() {
		return List.of(S3ProxyExtension.SECRET_KEY);
	}

	/** Past one part, so that a streamed write is a multipart upload of two. */
	@Override
	protected int largeObjectSize() {
		return S3ReplicaClient.PART_SIZE + 64 * 1024;
	}

	@Test
	void describeIsTheBucketAndPrefix() {
		assertThat(client().describe()).isEqualTo("s3://" + this.bucket + "/" + PREFIX + "/");
	}

	/**
	 * Replicas side by side in one bucket, under prefixes that start alike: none sees, deletes or
	 * aborts another's objects.
	 */
	@Test
	void aPrefixIsAReplicaOfItsOwn() throws Exception {
		try (S3ReplicaClient longer = client(PREFIX + "-other"); S3ReplicaClient parent = client("contract")) {
			client().write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("mine"));
			longer.write(ReplicaLayout.snapshotPath(OTHER_GENERATION, 0), bytes("the other's"));
			longer.write(PrimaryLease.PATH, bytes("the other's claim"));
			leaveUpload(PREFIX + "-other/" + ReplicaLayout.snapshotPath(OTHER_GENERATION, 1));
			assertThat(client().generations()).containsExactly(GENERATION);
			assertThat(longer.generations()).containsExactly(OTHER_GENERATION);
			assertThat(parent.generations()).isEmpty();
			assertThat(client().exists(PrimaryLease.PATH)).isFalse();
			assertThat(client().removeAbandonedWrites()).isZero();
			client().deleteGeneration(OTHER_GENERATION);
			assertThat(longer.snapshots(OTHER_GENERATION)).hasSize(1);
			assertThat(longer.removeAbandonedWrites()).isEqualTo(1);
		}
	}

}
