package io.kiwistack.db.replication;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * kiwi-db and the real Litestream 0.3.13 read each other's age-encrypted replicas: the
 * {@code litestream restore} of a replica kiwi-db encrypted, given the identity in its
 * configuration, holds the same rows, and kiwi-db restores what {@code litestream replicate}
 * encrypted. Without the identity Litestream can't restore kiwi-db's replica either.
 */
class AgeLitestreamInteropTests {

	@TempDir
	Path dir;

	@Test
	void litestreamRestoresAReplicaKiwiEncryptedGivenTheIdentity() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofMillis(50))
			.withCheckpointThresholdBytes(128 * 1024);
		try (KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
				Replicator replicator = new Replicator(dataSource,
						keys.recipientOnly().encrypting(new FileReplicaClient(replica)), settings)) {
			replicator.start();
			ReplicationRoundTripTests.writeWorkload(dataSource, replicator);
		}
		List<String> expected = DatabaseDump.of(database);
		assertThat(expected.size()).as("rows").isGreaterThan(1000);

		Path config = this.dir.resolve("litestream.yml");
		Files.writeString(config, """
				dbs:
				  - path: %s
				    replicas:
				      - url: file://%s
				        age:
				          identities:
				            - %s
				""".formatted(database, replica, keys.identity()), StandardCharsets.UTF_8);
		Path restored = this.dir.resolve("restored-by-litestream.db");
		Litestream.run("restore", "-config", config.toString(), "-o", restored.toString(), database.toString());
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		DatabaseDump.assertSameRows(DatabaseDump.of(restored), expected, "restored by litestream");

		Path withoutIdentity = this.dir.resolve("restored-without-identity.db");
		assertThatIllegalStateException()
			.isThrownBy(() -> Litestream.run("restore", "-o", withoutIdentity.toString(), "file://" + replica));
		assertThat(withoutIdentity).doesNotExist();
	}

	@Test
	void kiwiRestoresAReplicaThatLitestreamEncrypted() throws Exception {
		AgeKeyPair keys = AgeKeyPair.generate();
		Path database = this.dir.resolve("litestream-primary.db");
		Path replica = this.dir.resolve("litestream-replica");
		LitestreamInteropTests.replicateWithLitestream(this.dir, database, replica, """
				        age:
				          identities:
				            - %s
				          recipients:
				            - %s
				""".formatted(keys.identity(), keys.recipient()), AgeLitestreamInteropTests::writeRows);
		List<String> objects = ReplicaFiles.list(replica);
		assertThat(objects).anyMatch((path) -> path.endsWith(".wal.lz4"));
		for (String path : objects) {
			if (path.endsWith(".lz4")) {
				assertThat(Files.readString(replica.resolve(path), StandardCharsets.ISO_8859_1)).as(path)
					.startsWith("age-encryption.org/v1\n");
			}
		}

		List<String> expected = LitestreamInteropTests.withoutLitestreamTables(DatabaseDump.of(database));
		assertThat(expected.size()).as("rows").isGreaterThan(500);
		Path restored = this.dir.resolve("restored-by-kiwi.db");
		ReplicaRestore.latest(keys.identityOnly().encrypting(new FileReplicaClient(replica)), restored, false)
			.orElseThrow();
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		DatabaseDump.assertSameRows(LitestreamInteropTests.withoutLitestreamTables(DatabaseDump.of(restored)), expected,
				"restored by kiwi-db");
	}

	private static void writeRows(Path database) throws SQLException, InterruptedException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			for (int round = 0; round < 10; round++) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (body) VALUES (?)")) {
					for (int i = 0; i < 60; i++) {
						insert.setString(1, "note " + round + "/" + i + " " + "z".repeat(200 + i));
						insert.executeUpdate();
					}
				}
				connection.commit();
				connection.setAutoCommit(true);
				// Let Litestream's syncs and checkpoints interleave with the writes.
				Thread.sleep(40);
			}
		}
	}

}
