package io.kiwistack.db.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.file.FileReplicaClient;

class ReplicationRoundTripTests {

	@TempDir
	Path dir;

	@Test
	void kiwiAndLitestreamRestoreTheSameRowsKiwiShipped() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
		Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica),
				ReplicationSettings.defaults().withSyncInterval(Duration.ofMillis(50)).withCheckpointThresholdBytes(256 * 1024));
		replicator.start();
		try {
			writeWorkload(dataSource, replicator);
			replicator.syncNow();
		}
		finally {
			replicator.close();
		}
		List<String> expected = DatabaseDump.of(database);
		dataSource.close();
		assertThat(expected).hasSizeGreaterThan(1000);
		long indices = new FileReplicaClient(replica).walSegments(new FileReplicaClient(replica).generations().get(0))
			.stream().mapToLong(WalSegmentInfo::index).distinct().count();
		assertThat(indices).as("log indices crossed by checkpoints").isGreaterThan(2);

		Path byKiwi = this.dir.resolve("kiwi-restored.db");
		RestoreResult result = new Restorer(new FileReplicaClient(replica)).restoreLatest(byKiwi).orElseThrow();
		assertThat(DatabaseDump.integrity(byKiwi)).isEqualTo("ok");
		assertThat(DatabaseDump.of(byKiwi)).isEqualTo(expected);
		assertThat(result.segments()).isPositive();

		Path byLitestream = this.dir.resolve("litestream-restored.db");
		Litestream.run("restore", "-o", byLitestream.toString(), "file://" + replica);
		assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
		assertThat(DatabaseDump.of(byLitestream)).isEqualTo(expected);
	}

	/**
	 * A segment of a large transaction is an LZ4 frame of many blocks: both restores read it whole.
	 */
	@Test
	void aSegmentOfManyCompressedBlocksRestoresByKiwiAndByLitestream() throws Exception {
		Path database = this.dir.resolve("large.db");
		Path replica = this.dir.resolve("large-replica");
		KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
		Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica),
				ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)));
		replicator.start();
		try {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
			}
			replicator.syncNow();
			try (Connection connection = dataSource.getConnection();
					PreparedStatement blob = connection.prepareStatement("INSERT INTO blobs (data) VALUES (?)")) {
				byte[] data = new byte[3_000_000];
				new Random(7).nextBytes(data);
				blob.setBytes(1, data);
				blob.executeUpdate();
			}
			replicator.syncNow();
		}
		finally {
			replicator.close();
		}
		List<String> expected = DatabaseDump.of(database);
		dataSource.close();
		FileReplicaClient client = new FileReplicaClient(replica);
		long largest = client.walSegments(client.generations().get(0)).stream().mapToLong(WalSegmentInfo::size).max()
			.orElseThrow();
		// Random bytes do not compress: the segment holds a dozen blocks of at most 256 KiB.
		assertThat(largest).isGreaterThan(2_900_000);

		Path byKiwi = this.dir.resolve("large-kiwi.db");
		new Restorer(client).restoreLatest(byKiwi).orElseThrow();
		assertThat(DatabaseDump.of(byKiwi)).isEqualTo(expected);
		Path byLitestream = this.dir.resolve("large-litestream.db");
		Litestream.run("restore", "-o", byLitestream.toString(), "file://" + replica);
		assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
		assertThat(DatabaseDump.of(byLitestream)).isEqualTo(expected);
	}

	static void writeWorkload(KiwiDataSource dataSource, Replicator replicator) throws SQLException {
		Random random = new Random(42);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
			statement.execute("CREATE TABLE tags (note_id INTEGER REFERENCES notes(id), tag TEXT)");
		}
		for (int round = 0; round < 20; round++) {
			try (Connection connection = dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement note = connection.prepareStatement("INSERT INTO notes (body) VALUES (?)");
						PreparedStatement tag = connection.prepareStatement("INSERT INTO tags VALUES (last_insert_rowid(), ?)")) {
					for (int i = 0; i < 100; i++) {
						note.setString(1, "note " + round + "/" + i + " " + "x".repeat(random.nextInt(200)));
						note.executeUpdate();
						tag.setString(1, "tag" + random.nextInt(10));
						tag.executeUpdate();
					}
				}
				try (PreparedStatement blob = connection.prepareStatement("INSERT INTO blobs (data) VALUES (?)")) {
					byte[] data = new byte[10_000 + random.nextInt(10_000)];
					random.nextBytes(data);
					blob.setBytes(1, data);
					blob.executeUpdate();
				}
				connection.commit();
			}
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("DELETE FROM notes WHERE id % 7 = " + (round % 7) + " AND id NOT IN (SELECT note_id FROM tags)");
				statement.execute("DELETE FROM tags WHERE rowid % 11 = " + (round % 11));
				if (round == 10) {
					statement.execute("DELETE FROM blobs WHERE id % 2 = 0");
					statement.execute("VACUUM");
				}
			}
			if (round % 5 == 0) {
				replicator.syncNow();
			}
		}
	}

}
