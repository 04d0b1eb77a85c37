package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read replica following a primary's replica in S3-compatible storage, across log indices and a
 * new generation.
 */
class S3FollowerTests {

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void aReadReplicaFollowsAPrimaryThroughS3() throws Exception {
		String bucket = s3.newBucket();
		Path primaryFile = this.dir.resolve("primary.db");
		KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofMillis(100))
			.withCheckpointThresholdBytes(64 * 1024);
		Replicator replicator = new Replicator(primary, s3.client(bucket, "follow"), settings);
		replicator.start();
		execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
		execute(primary, "INSERT INTO notes (body) VALUES ('first')");
		replicator.syncNow();

		Path followerFile = this.dir.resolve("follower.db");
		Follower.prepare(followerFile, s3.client(bucket, "follow"));
		KiwiDataSource replica = KiwiDataSource
			.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("s3://" + bucket + "/follow").readers(2).build());
		Follower follower = new Follower(replica, s3.client(bucket, "follow"), Duration.ofMillis(100));
		try {
			assertThat(count(replica)).isEqualTo(1);
			for (int i = 0; i < 200; i++) {
				execute(primary, "INSERT INTO notes (body) VALUES ('" + "s3 ".repeat(300) + i + "')");
				if (i % 50 == 0) {
					replicator.syncNow();
					follower.pollNow();
				}
			}
			replicator.syncNow();
			follower.pollNow();
			assertThat(count(replica)).isEqualTo(201);
			assertThat(follower.status().position()).isEqualTo(replicator.status().position());
			assertThat(follower.status().position().index()).as("log indices crossed").isPositive();

			replicator.close();
			replicator = new Replicator(primary, s3.client(bucket, "follow"), settings);
			replicator.start();
			execute(primary, "DELETE FROM notes WHERE id % 3 = 0");
			replicator.syncNow();
			follower.pollNow();
			assertThat(follower.status().position().generation()).isEqualTo(replicator.status().position().generation());
			assertThat(count(replica)).isEqualTo(count(primary));
		}
		finally {
			follower.close();
			replica.close();
			replicator.close();
			primary.close();
		}
		DatabaseDump.assertSameRows(DatabaseDump.of(followerFile), DatabaseDump.of(primaryFile), "the follower");
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
