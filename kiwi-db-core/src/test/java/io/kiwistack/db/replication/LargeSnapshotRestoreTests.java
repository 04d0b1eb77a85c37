package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
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
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Restores of a snapshot many copy buffers long, where decompressing and writing run on two
 * threads: damage found late on the reading side (a flipped byte, a digest that does not match, a
 * damaged segment after the snapshot) still fails the restore naming the object, with the writer
 * and sync threads stopped and no file left beside the target.
 */
class LargeSnapshotRestoreTests {

	@TempDir
	static Path built;

	static Path pristine;

	static List<String> expected;

	static String generation;

	@TempDir
	Path dir;

	private Path replica;

	private Path target;

	@BeforeAll
	static void buildReplicaOfALargeSnapshot() throws Exception {
		pristine = built.resolve("replica");
		Path database = built.resolve("primary.db");
		try (KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build())) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE payload (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
			}
			// Incompressible, as the benchmark's rows: the snapshot is as long as the database.
			insert(dataSource, 6 * SnapshotCopy.BUFFER_SIZE);
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				// Into the database file, which the generation's snapshot copies.
				statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
			}
			try (Replicator replicator = new Replicator(dataSource, new FileReplicaClient(pristine),
					ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
				replicator.start();
				replicator.syncNow();
				insert(dataSource, 200_000);
				replicator.syncNow();
			}
			expected = DatabaseDump.of(database);
		}
		FileReplicaClient client = new FileReplicaClient(pristine);
		generation = client.generations().get(0);
		assertThat(client.walSegments(generation)).as("segments after the snapshot").isNotEmpty();
		assertThat(Files.size(pristine.resolve(ReplicaLayout.snapshotPath(generation, 0))))
			.as("snapshot size").isGreaterThan(5L * SnapshotCopy.BUFFER_SIZE);
	}

	private static void insert(KiwiDataSource dataSource, long bytes) throws SQLException {
		Random random = new Random(bytes);
		byte[] row = new byte[1024];
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO payload (body) VALUES (?)")) {
			connection.setAutoCommit(false);
			for (long written = 0; written < bytes; written += row.length) {
				random.nextBytes(row);
				insert.setBytes(1, row);
				insert.executeUpdate();
			}
			connection.commit();
		}
	}

	@BeforeEach
	void copyReplica() throws IOException {
		this.replica = ReplicaFiles.copy(pristine, this.dir.resolve("replica"));
		this.target = Files.createDirectories(this.dir.resolve("restore")).resolve("restored.db");
	}

	@AfterEach
	void noRestoreThreadLeft() {
		assertThat(RestoreThreads.alive()).as("restore threads still running").isEmpty();
	}

	@Test
	void restoresEveryRow() throws Exception {
		new Restorer(new FileReplicaClient(this.replica)).restoreLatest(this.target).orElseThrow();
		assertThat(DatabaseDump.of(this.target)).isEqualTo(expected);
		assertThat(ReplicaFiles.listAll(this.target.getParent())).containsExactly("restored.db");
	}

	@Test
	void aFlippedByteLateInTheSnapshotFailsNamingIt() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(generation, 0);
		Path file = this.replica.resolve(snapshot);
		// In the last block: found by the frame's checksum after the blocks before it were written.
		ReplicaFiles.flipByte(file, Files.size(file) - 100);
		assertRestoreFailsNaming(snapshot);
	}

	@Test
	void aSnapshotFailingItsDigestFailsNamingIt() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(generation, 0);
		Path file = this.replica.resolve(snapshot);
		byte[] database;
		try (InputStream in = Lz4.decompress(Files.newInputStream(file))) {
			database = in.readAllBytes();
		}
		database[database.length - 10] ^= 0x01;
		ReplicaFiles.rewrite(file, Lz4.compress(database, 0, database.length));
		assertThat(assertRestoreFailsNaming(snapshot)).contains("XXH64");
	}

	@Test
	void aDamagedSegmentAfterTheSnapshotFailsNamingIt() throws Exception {
		WalSegmentInfo segment = new FileReplicaClient(this.replica).walSegments(generation).get(0);
		Path file = this.replica.resolve(segment.path());
		ReplicaFiles.flipByte(file, Files.size(file) / 2);
		assertRestoreFailsNaming(segment.path());
	}

	private String assertRestoreFailsNaming(String path) throws IOException {
		Throwable thrown = catchThrowable(() -> new Restorer(new FileReplicaClient(this.replica)).restoreLatest(this.target));
		assertThat(thrown).isInstanceOf(ReplicaException.class).hasMessageContaining(path);
		assertThat(ReplicaFiles.listAll(this.target.getParent())).as("the target directory after a failed restore").isEmpty();
		return thrown.getMessage();
	}

}
