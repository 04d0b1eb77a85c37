package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import io.kiwistack.db.replication.s3.S3ReplicaClient;

/**
 * S3 requests that fail after the server applied them, or that the server refuses in part: a
 * response lost on the way back, so the SDK sends the write again; a multi-object delete that
 * answers 200 with errors for some keys. A plain PUT sent twice is harmless; a conditional one is
 * not.
 */
class S3RetriedWriteTests {

	private static final String PREFIX = "some/prefix";

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@AfterEach
	void noFaults() {
		s3.refuseDeletes(false);
	}

	@Test
	void aSegmentWriteRetriedAfterItWasStoredLeavesAnIntactReplica() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("app.db");
		try (KiwiDataSource dataSource = openKiwi(database); S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			try (Replicator replicator = new Replicator(dataSource, client,
					ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
				replicator.start();
				insert(dataSource, "before");
				replicator.syncNow();
				s3.failNextPutAfterStoring(".wal.lz4");
				insert(dataSource, "retried");
				replicator.syncNow();
				insert(dataSource, "after");
			}
			Path restored = this.dir.resolve("restored.db");
			new Restorer(client).restoreLatest(restored).orElseThrow();
			assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(database));
		}
	}

	/**
	 * Bug: {@code PrimaryLease.claim()} creates the claim with If-None-Match; when the SDK retries
	 * that PUT after the first attempt was stored (a lost response, a 500, a reset connection), the
	 * retry gets 412, the claim reads back its own object, and start() fails with
	 * ReplicaLeaseHeldException naming this very process as "another primary".
	 */
	@Test
	void aClaimWhoseCreateIsRetriedAfterItWasStoredIsStillTaken() throws Exception {
		String bucket = s3.newBucket();
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("app.db"));
				S3ReplicaClient client = s3.client(bucket, PREFIX);
				Replicator replicator = new Replicator(dataSource, client, ReplicationSettings.defaults())) {
			s3.failNextPutAfterStoring(PrimaryLease.PATH);
			assertThatNoException().isThrownBy(replicator::start);
		}
	}

	/**
	 * Bug: {@code PrimaryLease.renewIfDue()} replaces the claim with If-Match; when the SDK retries
	 * that PUT after the first attempt was stored, the retry gets 412 (the ETag has moved on), the
	 * renewal reports "Lost the primary claim ... to" this very process, and keeps the old ETag: every
	 * later sync fails the same way, so replication stops for good while the process runs.
	 */
	@Test
	void aRenewalRetriedAfterItWasStoredKeepsTheClaimAndReplicating() throws Exception {
		String bucket = s3.newBucket();
		// Renewed once a third of the timeout has passed.
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofHours(1))
			.withLeaseTimeout(Duration.ofMillis(600));
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("app.db"));
				S3ReplicaClient client = s3.client(bucket, PREFIX);
				Replicator replicator = new Replicator(dataSource, client, settings)) {
			replicator.start();
			replicator.syncNow();
			Thread.sleep(250);
			s3.failNextPutAfterStoring(PrimaryLease.PATH);
			insert(dataSource, "renewal retried");
			assertThatNoException().as("the sync that renews").isThrownBy(replicator::syncNow);
			Thread.sleep(250);
			insert(dataSource, "later");
			assertThatNoException().as("a later sync").isThrownBy(replicator::syncNow);
		}
	}

	/**
	 * Bug: {@code S3ReplicaClient.delete} sends DeleteObjects in quiet mode and ignores the
	 * response's per-key errors, so a delete S3 refused (AccessDenied, say) passes for done: old
	 * generations are never removed, and a released claim stays until it expires.
	 */
	@Test
	void aDeleteTheServerRefusesFails() throws Exception {
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			client.write("generations/0123456789abcdef/wal/00000000_00000000.wal.lz4", new byte[] { 1 });
			s3.refuseDeletes(true);
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> client.delete(List.of("generations/0123456789abcdef/wal/00000000_00000000.wal.lz4")))
				.withMessageContaining("00000000_00000000.wal.lz4");
		}
	}

	@Test
	void s3ProxyReportsTheKeysAMultiObjectDeleteRefused() throws Exception {
		// What aDeleteTheServerRefusesFails relies on: a 200 answer that lists per-key errors.
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX); S3Client sdk = S3ProxyServer.sdkClient(s3.settings())) {
			client.write("kiwi/some.object", new byte[] { 1 });
			s3.refuseDeletes(true);
			DeleteObjectsResponse response = sdk.deleteObjects((delete) -> delete.bucket(bucket)
				.delete(Delete.builder()
					.objects(ObjectIdentifier.builder().key(PREFIX + "/kiwi/some.object").build())
					.quiet(true)
					.build()));
			assertThat(response.errors()).singleElement().satisfies((error) -> {
				assertThat(error.key()).isEqualTo(PREFIX + "/kiwi/some.object");
				assertThat(error.code()).isEqualTo("AccessDenied");
			});
			assertThat(client.exists("kiwi/some.object")).isTrue();
			s3.refuseDeletes(false);
			client.delete(List.of("kiwi/some.object"));
			assertThat(client.exists("kiwi/some.object")).isFalse();
		}
	}

	private static KiwiDataSource openKiwi(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	private static void insert(KiwiDataSource dataSource, String body) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)");
			statement.execute("INSERT INTO notes (body) VALUES ('" + body + "')");
		}
	}

}
