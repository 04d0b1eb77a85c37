package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary that starts again continues the generation it shipped before where continuity is
 * proven from the file and its log, and starts a new one (with a snapshot) where it is not. Every
 * case ends with a restore, by kiwi-db and by the real {@code litestream}, equal to the live data.
 */
class GenerationResumeTests {

	private static final ReplicationSettings ONLY_WHEN_ASKED = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1));

	@TempDir
	Path dir;

	@Test
	void aCleanRestartContinuesTheGenerationWithoutANewSnapshot() throws Exception {
		Path database = this.dir.resolve("app.db");
		String generation = session(database, client(), 1, 100);
		ShippedRecord record = ShippedRecord.read(database);
		assertThat(record.generation()).isEqualTo(generation);
		assertThat(record.stop()).as("a clean stop is recorded").isNotNull();

		String resumed = session(database, client(), 101, 100);
		assertThat(resumed).as("the generation after a clean restart").isEqualTo(generation);
		assertThat(client().generations()).containsExactly(generation);
		assertThat(client().snapshots(generation)).as("snapshots").hasSize(1);
		assertRestoresEqual(database);
	}

	@Test
	void afterACrashALogStillHoldingTheShippedEndIsContinuedAndItsUnshippedTailShipped() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path crashed = Files.createDirectories(this.dir.resolve("crashed")).resolve("app.db");
		FaultyReplicaClient faulty = new FaultyReplicaClient(client());
		String generation;
		LogCapture log = LogCapture.of(Replicator.class.getPackageName());
		try (log; KiwiDataSource dataSource = open(database);
				Replicator replicator = new Replicator(dataSource, faulty, ONLY_WHEN_ASKED)) {
			replicator.start();
			createTable(dataSource);
			insert(dataSource, 1, 50);
			replicator.syncNow();
			generation = replicator.status().position().generation();
			insert(dataSource, 51, 50);
			// The files as a SIGKILL leaves them: the last 50 rows committed, not shipped.
			for (String suffix : List.of("", "-wal", "-node-id", "-shipped")) {
				Files.copy(Path.of(database + suffix), Path.of(crashed + suffix), StandardCopyOption.COPY_ATTRIBUTES);
			}
			faulty.unreachable = true;
		}
		assertThat(log.records()).as("the stop while the replica is unreachable, logged")
			.anyMatch((record) -> record.contains("WARNING The final sync to " + faulty.describe() + " failed"))
			.anyMatch((record) -> record.contains("WARNING Could not release the primary claim on " + faulty.describe()));
		assertThat(ShippedRecord.read(crashed).stop()).as("no clean stop in the crashed copy").isNull();

		String resumed = session(crashed, client(), 101, 10);
		assertThat(resumed).as("the generation after the crash").isEqualTo(generation);
		assertThat(client().snapshots(generation)).as("snapshots").hasSize(1);
		assertThat(DatabaseDump.ids(crashed, "items")).hasSize(110);
		assertRestoresEqual(crashed);
	}

	@Test
	void aFileChangedWhileKiwiDbWasStoppedStartsANewGeneration() throws Exception {
		Path database = this.dir.resolve("app.db");
		String first = session(database, client(), 1, 20);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO items (id, body) VALUES (1000, 'written while kiwi-db was stopped')");
		}
		String second = session(database, client(), 21, 20);
		assertThat(second).as("the generation after the file changed").isNotEqualTo(first);
		assertThat(DatabaseDump.ids(database, "items")).contains(1000L);
		assertRestoresEqual(database);
	}

	@Test
	void aReplicaWhoseNewestGenerationIsAnotherStartsANewGeneration() throws Exception {
		Path database = this.dir.resolve("app.db");
		String first = session(database, client(), 1, 20);
		// Another node's generation, newer, arrives in the replica while this one is stopped.
		Path other = this.dir.resolve("other.db");
		Files.copy(database, other);
		ShippedRecords.forget(other);
		String others = session(other, client(), 500, 5);
		assertThat(others).isNotEqualTo(first);
		String second = session(database, client(), 21, 20);
		assertThat(second).as("never continues a generation that is not the newest").isNotIn(first, others);
		assertRestoresEqual(database);
	}

	/** Open, replicate, write rows {@code from..from+count-1}, ship, and stop cleanly; returns the generation. */
	static String session(Path database, ReplicaClient client, long from, int count) throws Exception {
		try (KiwiDataSource dataSource = open(database);
				Replicator replicator = new Replicator(dataSource, client, ONLY_WHEN_ASKED)) {
			replicator.start();
			createTable(dataSource);
			insert(dataSource, from, count);
			replicator.syncNow();
			return replicator.status().position().generation();
		}
	}

	private void assertRestoresEqual(Path database) throws Exception {
		List<String> live = DatabaseDump.of(database);
		Path byKiwi = this.dir.resolve("restored-by-kiwi-" + System.nanoTime() + ".db");
		new Restorer(client()).restoreLatest(byKiwi).orElseThrow();
		DatabaseDump.assertSameRows(DatabaseDump.of(byKiwi), live, "restored by kiwi-db");
		Path byLitestream = this.dir.resolve("restored-by-litestream-" + System.nanoTime() + ".db");
		Litestream.run("restore", "-o", byLitestream.toString(), "file://" + replica());
		assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
		DatabaseDump.assertSameRows(DatabaseDump.of(byLitestream), live, "restored by litestream");
	}

	private Path replica() {
		return this.dir.resolve("replica");
	}

	private FileReplicaClient client() {
		return new FileReplicaClient(replica());
	}

	static KiwiDataSource open(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body TEXT)");
		}
	}

	private static void insert(KiwiDataSource dataSource, long from, int count) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO items (id, body) VALUES (?, ?)")) {
			for (long id = from; id < from + count; id++) {
				insert.setLong(1, id);
				insert.setString(2, "item " + id + " " + "x".repeat((int) (id % 300)));
				insert.executeUpdate();
			}
		}
	}

	static long bytesUnder(Path directory) throws IOException {
		if (!Files.exists(directory)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> file.toFile().length()).sum();
		}
	}

}
