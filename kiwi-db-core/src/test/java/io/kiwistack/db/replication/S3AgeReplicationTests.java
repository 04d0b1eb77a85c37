package io.kiwistack.db.replication;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An age-encrypted replica on S3 (a real S3 API server in this JVM, S3Proxy): the snapshot,
 * streamed as a multipart upload, and every segment are age files holding no row in the clear,
 * and the replica restores with the identity.
 */
class S3AgeReplicationTests {

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void anEncryptedS3ReplicaHoldsOnlyAgeFilesAndRestoresWithTheIdentity() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		String marker = ("kiwi-age-s3-" + UUID.randomUUID().toString().replace("-", "")).substring(0, 40);
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("app.db");
		try (S3ReplicaClient raw = s3.client(bucket, "encrypted")) {
			ReplicaClient client = keys.both().encrypting(raw);
			try (KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build())) {
				try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
					insert(connection, marker, 0, 200);
				}
				try (Replicator replicator = new Replicator(dataSource, client,
						ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
					replicator.start();
					try (Connection connection = dataSource.getConnection()) {
						insert(connection, marker, 200, 200);
					}
					replicator.syncNow();
				}
			}

			List<String> objects = new ArrayList<>();
			String generation = raw.generations().get(0);
			objects.add(ReplicaLayout.snapshotPath(generation, raw.snapshots(generation).get(0).index()));
			raw.walSegments(generation).forEach((segment) -> objects.add(segment.path()));
			assertThat(objects).hasSizeGreaterThan(1);
			for (String object : objects) {
				String content;
				try (InputStream in = raw.open(object)) {
					content = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
				}
				assertThat(content).as(object).startsWith("age-encryption.org/v1\n").doesNotContain(marker);
			}

			Path restored = this.dir.resolve("restored.db");
			ReplicaRestore.latest(keys.identityOnly().encrypting(raw), restored, false).orElseThrow();
			assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
			assertThat(DatabaseDump.of(restored)).isEqualTo(DatabaseDump.of(database));
		}
	}

	private static void insert(Connection connection, String marker, int from, int count) throws Exception {
		connection.setAutoCommit(false);
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (id, body) VALUES (?, ?)")) {
			for (int i = from; i < from + count; i++) {
				insert.setInt(1, i);
				insert.setString(2, "note " + i + " " + marker);
				insert.executeUpdate();
			}
		}
		connection.commit();
		connection.setAutoCommit(true);
	}

}
