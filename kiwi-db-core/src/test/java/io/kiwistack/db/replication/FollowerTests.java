package io.kiwistack.db.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.kiwistack.db.replication.file.FileReplicaClient;

class FollowerTests {

	@TempDir
	Path dir;

	@Test
	void aFollowerAppliesEveryShippedTransactionAndCrossesGenerations() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		KiwiDataSource primary = KiwiDataSource.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
		ReplicationSettings settings = ReplicationSettings.defaults().withSyncInterval(Duration.ofMillis(50))
			.withCheckpointThresholdBytes(64 * 1024);
		Replicator replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
		replicator.start();
		execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
		execute(primary, "INSERT INTO notes (body) VALUES ('before the follower')");
		replicator.syncNow();

		Path followerFile = this.dir.resolve("follower.db");
		Follower.prepare(followerFile, new FileReplicaClient(replica));
		KiwiDataSource followerDb = KiwiDataSource
			.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(2).build());
		Follower follower = new Follower(followerDb, new FileReplicaClient(replica), Duration.ofMillis(50));
		try {
			assertThat(count(followerDb)).isEqualTo(1);
			for (int i = 0; i < 300; i++) {
				execute(primary, "INSERT INTO notes (body) VALUES ('" + "x".repeat(500) + i + "')");
			}
			replicator.syncNow();
			follower.pollNow();
			assertThat(count(followerDb)).isEqualTo(301);
			assertThat(follower.status().position()).isEqualTo(replicator.status().position());

			assertThatThrownBy(() -> execute(followerDb, "INSERT INTO notes (body) VALUES ('no')"))
				.hasMessageContaining("read replica following file:" + replica);

			replicator.close();
			replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
			replicator.start();
			execute(primary, "DELETE FROM notes WHERE id % 2 = 0");
			replicator.syncNow();
			follower.pollNow();
			assertThat(count(followerDb)).isEqualTo(count(primary));
			assertThat(follower.status().position().generation()).isEqualTo(replicator.status().position().generation());
		}
		finally {
			follower.close();
			followerDb.close();
			replicator.close();
			primary.close();
		}
		assertThat(DatabaseDump.integrity(followerFile)).isEqualTo("ok");
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));
		assertThat(Files.exists(Path.of(followerFile + "-wal"))).isFalse();
	}

	private static void execute(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static int count(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM notes")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
