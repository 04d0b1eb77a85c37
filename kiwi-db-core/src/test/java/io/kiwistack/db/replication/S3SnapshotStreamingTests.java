package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.s3.S3ReplicaClient;

/**
 * A snapshot larger than one part streams into S3 as a multipart upload, with no copy beside the
 * database, and restores byte for byte; an upload a crashed primary left unfinished is aborted by
 * the next primary once it holds the claim.
 */
class S3SnapshotStreamingTests {

	private static final String PREFIX = "streaming";

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void aSnapshotOfSeveralPartsIsUploadedInPartsAndRestoresWhole() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("primary.db");
		try (KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build())) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
				statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
			}
			Random random = new Random(11);
			// About 2.5 parts of incompressible pages, checkpointed into the file so the snapshot carries them.
			for (int i = 0; i < 20; i++) {
				byte[] body = new byte[1024 * 1024];
				random.nextBytes(body);
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection.prepareStatement("INSERT INTO blobs (body) VALUES (?)")) {
					insert.setBytes(1, body);
					insert.executeUpdate();
				}
			}
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
			}
			try (S3ReplicaClient client = s3.client(bucket, PREFIX);
					Replicator replicator = new Replicator(dataSource, client,
							ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
				replicator.syncNow();
				String generation = replicator.status().position().generation();
				SnapshotInfo snapshot = client.snapshots(generation).get(0);
				assertThat(snapshot.size()).as("compressed snapshot size").isGreaterThan(2L * S3ReplicaClient.PART_SIZE);
				try (S3Client sdk = S3ProxyServer.sdkClient(s3.settings())) {
					assertThat(sdk.listMultipartUploads((list) -> list.bucket(bucket)).uploads())
						.as("unfinished uploads")
						.isEmpty();
				}
			}
			assertThat(ReplicaFiles.list(this.dir)).as("files beside the database").containsExactlyInAnyOrder(
					"primary.db", "primary.db-node-id", "primary.db-shipped", "primary.db-wal");
		}
		Path restored = this.dir.resolve("restored.db");
		try (S3ReplicaClient reader = s3.client(bucket, PREFIX)) {
			new Restorer(reader).restoreLatest(restored).orElseThrow();
		}
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		DatabaseDump.assertSameRows(DatabaseDump.of(restored), DatabaseDump.of(database), "restored from S3");
	}

	@Test
	void anUploadACrashedPrimaryLeftUnfinishedIsAbortedByTheNextOne() throws Exception {
		String bucket = s3.newBucket();
		String key = PREFIX + "/generations/0123456789abcdef/snapshots/00000000.snapshot.lz4";
		try (S3Client sdk = S3ProxyServer.sdkClient(s3.settings())) {
			String uploadId = sdk.createMultipartUpload((create) -> create.bucket(bucket).key(key)).uploadId();
			sdk.uploadPart((part) -> part.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
					RequestBody.fromBytes(new byte[S3ReplicaClient.PART_SIZE]));
			assertThat(sdk.listMultipartUploads((list) -> list.bucket(bucket)).uploads()).hasSize(1);

			Path database = this.dir.resolve("next.db");
			try (KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
					S3ReplicaClient client = s3.client(bucket, PREFIX);
					Replicator replicator = new Replicator(dataSource, client,
							ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
				replicator.start();
				assertThat(sdk.listMultipartUploads((list) -> list.bucket(bucket)).uploads())
					.as("unfinished uploads once the next primary holds the claim")
					.isEmpty();
			}
		}
	}

}
