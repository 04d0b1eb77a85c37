package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * kiwi-db and the real Litestream 0.3.13 read each other's replicas: kiwi-db restores what
 * {@code litestream replicate} shipped from a database written by plain sqlite-jdbc, and
 * {@code litestream restore} agrees with kiwi-db on a replica of several kiwi-db generations.
 */
class LitestreamInteropTests {

	@TempDir
	Path dir;

	@Test
	void kiwiRestoresAReplicaThatLitestreamReplicateShipped() throws Exception {
		Path database = this.dir.resolve("litestream-primary.db");
		Path replica = this.dir.resolve("litestream-replica");
		Replicated replicated = replicateWithLitestream(this.dir, database, replica, "",
				LitestreamInteropTests::writeWorkloadWithPlainSqliteJdbc);
		Process litestream = replicated.process();
		Path log = replicated.log();
		assertThat(litestream.exitValue()).as("litestream's exit on SIGTERM; log:%n%s", Files.readString(log)).isZero();

		FileReplicaClient client = new FileReplicaClient(replica);
		assertThat(client.generations()).hasSize(1);
		long indices = client.walSegments(client.generations().get(0))
			.stream()
			.mapToLong(WalSegmentInfo::index)
			.distinct()
			.count();
		assertThat(indices).as("log indices: Litestream checkpointed several times").isGreaterThan(3);

		List<String> expected = withoutLitestreamTables(DatabaseDump.of(database));
		assertThat(expected.size()).as("rows").isGreaterThan(1000);
		assertThat(expected.stream().filter((row) -> row.startsWith("table "))).containsExactly("table blobs",
				"table notes", "table tags");

		Path restored = this.dir.resolve("restored-by-kiwi.db");
		RestoreResult result = new Restorer(client).restoreLatest(restored).orElseThrow();
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		DatabaseDump.assertSameRows(withoutLitestreamTables(DatabaseDump.of(restored)), expected, "restored by kiwi-db");
		assertThat(result.segments()).isGreaterThan(3);
	}

	@Test
	void litestreamAndKiwiRestoreTheLatestOfSeveralKiwiGenerations() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofMillis(50))
			.withCheckpointThresholdBytes(128 * 1024);

		// Generation 1: the round-trip workload (several tables, big rows, deletes, a VACUUM).
		try (KiwiDataSource dataSource = openKiwi(database);
				Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings)) {
			replicator.start();
			ReplicationRoundTripTests.writeWorkload(dataSource, replicator);
		}
		// Written while kiwi-db is not running: only a new generation's snapshot can carry it.
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO notes (body) VALUES ('written while kiwi-db was stopped')");
			statement.execute("DELETE FROM blobs WHERE id % 3 = 0");
		}
		// Generations 2 and 3: a restart each, more writes.
		for (int restart = 0; restart < 2; restart++) {
			// The first restart finds the file changed and starts a generation by itself; the
			// second would resume, so it is made to start one too.
			ShippedRecords.forget(database);
			try (KiwiDataSource dataSource = openKiwi(database);
					Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings)) {
				replicator.start();
				writeMore(dataSource, restart);
				replicator.syncNow();
				writeMore(dataSource, restart + 10);
			}
		}
		List<String> expected = DatabaseDump.of(database);
		assertThat(expected).contains("table events")
			.anyMatch((row) -> row.endsWith("|written while kiwi-db was stopped|"));

		FileReplicaClient client = new FileReplicaClient(replica);
		assertThat(client.generations()).as("one generation per start").hasSize(3);

		Path byKiwi = this.dir.resolve("restored-by-kiwi.db");
		new Restorer(client).restoreLatest(byKiwi).orElseThrow();
		assertThat(DatabaseDump.integrity(byKiwi)).isEqualTo("ok");
		DatabaseDump.assertSameRows(DatabaseDump.of(byKiwi), expected, "restored by kiwi-db");

		Path byLitestream = this.dir.resolve("restored-by-litestream.db");
		Litestream.run("restore", "-o", byLitestream.toString(), "file://" + replica);
		assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
		DatabaseDump.assertSameRows(DatabaseDump.of(byLitestream), expected, "restored by litestream");
	}

	private static KiwiDataSource openKiwi(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	private static void writeMore(KiwiDataSource dataSource, int round) throws SQLException {
		Random random = new Random(round);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, round INTEGER, data BLOB)");
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events (round, data) VALUES (?, ?)")) {
				for (int i = 0; i < 40; i++) {
					byte[] data = new byte[(i % 10 == 0) ? 9000 : 300];
					random.nextBytes(data);
					insert.setInt(1, round);
					insert.setBytes(2, data);
					insert.executeUpdate();
				}
			}
			statement.execute("DELETE FROM tags WHERE note_id % 13 = " + round % 13);
			statement.execute("DELETE FROM notes WHERE id % 13 = " + round % 13);
			statement.execute("UPDATE tags SET tag = tag || '+' WHERE rowid % 5 = " + round % 5);
			connection.commit();
		}
	}

	/**
	 * The workload of a service that knows nothing of kiwi-db: a plain sqlite-jdbc connection in
	 * WAL mode with SQLite's own automatic checkpoints left on, while Litestream replicates.
	 */
	private static void writeWorkloadWithPlainSqliteJdbc(Path database) throws SQLException, InterruptedException {
		Random random = new Random(7);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			// Litestream takes the write lock briefly to checkpoint.
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
			statement.execute("CREATE TABLE tags (note_id INTEGER, tag TEXT)");
			statement.execute("CREATE INDEX tags_by_tag ON tags (tag)");
			for (int round = 0; round < 24; round++) {
				connection.setAutoCommit(false);
				try (PreparedStatement note = connection.prepareStatement("INSERT INTO notes (body) VALUES (?)");
						PreparedStatement tag = connection.prepareStatement("INSERT INTO tags VALUES (last_insert_rowid(), ?)");
						PreparedStatement blob = connection.prepareStatement("INSERT INTO blobs (data) VALUES (?)")) {
					for (int i = 0; i < 80; i++) {
						note.setString(1, "note " + round + "/" + i + " " + "y".repeat(random.nextInt(300)));
						note.executeUpdate();
						tag.setString(1, "tag" + random.nextInt(20));
						tag.executeUpdate();
					}
					for (int i = 0; i < 3; i++) {
						// Bigger than a page: overflow pages.
						byte[] data = new byte[6_000 + random.nextInt(14_000)];
						random.nextBytes(data);
						blob.setBytes(1, data);
						blob.executeUpdate();
					}
				}
				connection.commit();
				connection.setAutoCommit(true);
				statement.execute("DELETE FROM notes WHERE id % 10 = " + (round % 10) + " AND id > " + (round - 2) * 80);
				statement.execute("DELETE FROM tags WHERE rowid % 9 = " + (round % 9) + " AND rowid > " + (round - 2) * 80);
				if (round == 12) {
					statement.execute("DELETE FROM blobs WHERE id % 2 = 0");
					statement.execute("VACUUM");
				}
				// Let Litestream's 100 ms syncs and its checkpoints interleave with the writes.
				Thread.sleep(40);
			}
		}
	}

	/** A {@code litestream replicate} run that has ended, with its log. */
	record Replicated(Process process, Path log) {
	}

	/** What writes the database while Litestream ships it. */
	@FunctionalInterface
	interface Workload {

		void write(Path database) throws Exception;

	}

	/**
	 * Create a WAL database at {@code database}, run {@code litestream replicate} on it to a file
	 * replica (with {@code replicaOptions}, YAML lines for the replica entry, appended) while
	 * {@code workload} writes, wait until the replica is quiet, and stop Litestream.
	 */
	static Replicated replicateWithLitestream(Path dir, Path database, Path replica, String replicaOptions,
			Workload workload) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
		}
		Path config = dir.resolve("litestream.yml");
		// Litestream checkpoints once the log holds min-checkpoint-page-count pages: a small count
		// makes a workload cross several log indices.
		Files.writeString(config, """
				dbs:
				  - path: %s
				    monitor-interval: 50ms
				    min-checkpoint-page-count: 64
				    replicas:
				      - url: file://%s
				        sync-interval: 100ms
				""".formatted(database, replica) + replicaOptions, StandardCharsets.UTF_8);
		Path log = dir.resolve("litestream.log");
		Process litestream = Litestream.start(log, "replicate", "-config", config.toString());
		try {
			awaitFirstSnapshot(replica, litestream, log);
			workload.write(database);
			awaitQuiet(replica, Duration.ofMillis(1500), Duration.ofSeconds(20));
		}
		finally {
			litestream.destroy();
			if (!litestream.waitFor(15, TimeUnit.SECONDS)) {
				litestream.destroyForcibly();
			}
		}
		return new Replicated(litestream, log);
	}

	private static void awaitFirstSnapshot(Path replica, Process litestream, Path log)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			if (ReplicaFiles.list(replica).stream().anyMatch((path) -> path.endsWith(".snapshot.lz4"))) {
				return;
			}
			if (!litestream.isAlive()) {
				throw new IllegalStateException("litestream exited with " + litestream.exitValue() + ":\n"
						+ Files.readString(log));
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("litestream wrote no snapshot in 20 s:\n" + Files.readString(log));
	}

	/** Wait until nothing in the replica has changed for {@code quiet}: Litestream shipped it all. */
	private static void awaitQuiet(Path replica, Duration quiet, Duration timeout)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> last = sizes(replica);
		long quietSince = System.nanoTime();
		while (System.nanoTime() < deadline) {
			Thread.sleep(50);
			List<String> now = sizes(replica);
			if (!now.equals(last)) {
				last = now;
				quietSince = System.nanoTime();
			}
			else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
				return;
			}
		}
		throw new IllegalStateException("The replica kept changing for " + timeout);
	}

	private static List<String> sizes(Path replica) throws IOException {
		List<String> sizes = new ArrayList<>();
		for (String path : ReplicaFiles.list(replica)) {
			try {
				sizes.add(path + " " + Files.size(replica.resolve(path)));
			}
			catch (NoSuchFileException ex) {
				// A temporary file Litestream renamed meanwhile.
			}
		}
		return sizes;
	}

	/**
	 * Litestream keeps its own bookkeeping tables in the database ({@code _litestream_seq},
	 * {@code _litestream_lock}); the application's tables are what must survive.
	 */
	static List<String> withoutLitestreamTables(List<String> dump) {
		List<String> kept = new ArrayList<>();
		boolean skipping = false;
		for (String line : dump) {
			if (line.startsWith("table ")) {
				skipping = line.startsWith("table _litestream_");
			}
			if (!skipping) {
				kept.add(line);
			}
		}
		return kept;
	}

}
