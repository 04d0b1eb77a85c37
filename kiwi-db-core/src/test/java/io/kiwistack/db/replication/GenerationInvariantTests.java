package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * The rules every restore relies on: a generation's segments never reach the replica before its
 * snapshot, nothing counts as shipped before then, and a generation that holds anything but has no
 * snapshot is never restored from and never skipped in silence; a replica that holds anything is
 * never empty.
 */
class GenerationInvariantTests {

	private static final ReplicationSettings ONLY_WHEN_ASKED = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1));

	@TempDir
	Path dir;

	@Test
	void aReplicaWhoseOnlySnapshotIsMissingIsNotEmptyAndEveryRestoreNamesTheGenerationAndTheSnapshot()
			throws Exception {
		String generation = writeGeneration("primary.db", 1, 20);
		deleteAll(replica().resolve("generations").resolve(generation).resolve("snapshots"));
		Path target = this.dir.resolve("new").resolve("restored.db");
		String snapshot = "generations/" + generation + "/snapshots/00000000.snapshot.lz4";

		assertThatExceptionOfType(ReplicaException.class).isThrownBy(() -> new Restorer(client()).restoreLatest(target))
			.withMessageContaining("Generation " + generation)
			.withMessageContaining(snapshot + " is missing")
			.withMessageContaining("log segment(s)")
			.withMessageContaining("kiwi.db.replication.allow-older-generation");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> new Restorer(client()).restoreTo(target, Instant.now()))
			.withMessageContaining(snapshot + " is missing");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> new Restorer(client(), true).restoreLatest(target))
			.withMessageContaining("No generation of " + client().describe() + " can be restored")
			.withMessageContaining(snapshot);
		assertThatExceptionOfType(ReplicaException.class).isThrownBy(() -> Follower.prepare(target, client()))
			.withMessageContaining(snapshot + " is missing");
		assertThat(ReplicaFiles.listAll(this.dir.resolve("new"))).as("what the refused restores left").isEmpty();
	}

	@Test
	void aReplicaHoldingOnlyAGenerationsDigestIsNotEmpty() throws Exception {
		String generation = writeGeneration("primary.db", 1, 5);
		Path folder = replica().resolve("generations").resolve(generation);
		deleteAll(folder.resolve("snapshots"));
		deleteAll(folder.resolve("wal"));
		assertThat(ReplicaFiles.list(folder.resolve("kiwi"))).as("kiwi-db's records kept").isNotEmpty();

		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> new Restorer(client()).restoreLatest(this.dir.resolve("restored.db")))
			.withMessageContaining("Generation " + generation)
			.withMessageContaining("generations/" + generation + "/snapshots/00000000.snapshot.lz4 is missing")
			.withMessageContaining("kiwi-db's records");
		assertThat(this.dir.resolve("restored.db")).doesNotExist();
	}

	@Test
	void aGenerationFolderWithNothingInItHoldsNoData() throws Exception {
		Files.createDirectories(replica().resolve("generations/0123456789abcdef/snapshots"));
		assertThat(new Restorer(client()).restoreLatest(this.dir.resolve("restored.db"))).isEmpty();
		assertThat(this.dir.resolve("restored.db")).doesNotExist();
	}

	@Test
	void theNewestGenerationWithoutItsSnapshotIsRestoredFromAnOlderOneOnlyWhenAllowed() throws Exception {
		String first = writeGeneration("primary.db", 1, 10);
		Thread.sleep(20);
		String second = writeGeneration("primary.db", 11, 20);
		assertThat(second).as("the second start began a new generation").isNotEqualTo(first);
		deleteAll(replica().resolve("generations").resolve(second).resolve("snapshots"));

		Path strict = this.dir.resolve("strict.db");
		assertThatExceptionOfType(ReplicaException.class).isThrownBy(() -> new Restorer(client()).restoreLatest(strict))
			.withMessageContaining("Generation " + second)
			.withMessageContaining("generations/" + second + "/snapshots/00000000.snapshot.lz4 is missing");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> new Restorer(client()).restoreTo(strict, Instant.now()))
			.withMessageContaining("Generation " + second);
		assertThat(strict).doesNotExist();

		try (LogCapture log = LogCapture.of(GenerationChooser.class.getName())) {
			Path fallback = this.dir.resolve("fallback.db");
			RestoreResult restored = new Restorer(client(), true).restoreLatest(fallback).orElseThrow();
			assertThat(restored.position().generation()).isEqualTo(first);
			assertThat(DatabaseDump.ids(fallback, "items")).as("the older generation, whole").isEqualTo(range(1, 10));

			Path pointInTime = this.dir.resolve("point-in-time.db");
			RestoreResult then = new Restorer(client(), true).restoreTo(pointInTime, Instant.now());
			assertThat(then.position().generation()).isEqualTo(first);
			assertThat(DatabaseDump.ids(pointInTime, "items")).isEqualTo(range(1, 10));
			assertThat(log.records()).as("each fallback, logged").hasSize(2)
				.allMatch((record) -> record.contains("WARNING Restoring the older generation " + first));
		}
	}

	@Test
	void aSnapshotThatCantBeWrittenShipsNoSegmentAndCountsNothingAsShipped() throws Exception {
		FaultyReplicaClient faulty = new FaultyReplicaClient(client());
		faulty.refuseWrites = (path) -> path.contains("/snapshots/");
		try (KiwiDataSource dataSource = open("primary.db");
				Replicator replicator = new Replicator(dataSource, faulty, ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			insert(dataSource, 1, 30);
			assertThatExceptionOfType(ReplicaException.class).isThrownBy(replicator::syncNow)
				.withMessageContaining("snapshots/00000000.snapshot.lz4");
			assertThat(walSegmentFiles()).as("segments in the replica while its snapshot can't be written").isEmpty();
			ReplicationStatus status = replicator.status();
			assertThat(status.position()).as("position").isNull();
			assertThat(status.transactionsShipped()).as("transactions counted as shipped").isZero();
			assertThat(status.pendingTransactions()).as("transactions pending: the table and 30 rows").isEqualTo(31);
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(2))).as("awaitReplicated").isFalse();
			assertThat(new Restorer(client()).restoreLatest(this.dir.resolve("nothing.db"))).as("the replica")
				.isEmpty();

			faulty.refuseWrites = (path) -> false;
			replicator.syncNow();
			String generation = replicator.status().position().generation();
			Path folder = replica().resolve("generations").resolve(generation);
			Instant snapshotWritten = Files.getLastModifiedTime(folder.resolve("snapshots/00000000.snapshot.lz4"))
				.toInstant();
			for (Path segment : walSegmentFiles()) {
				assertThat(Files.getLastModifiedTime(segment).toInstant()).as("%s written after the snapshot", segment)
					.isAfterOrEqualTo(snapshotWritten);
			}
			assertThat(folder.resolve("kiwi/00000000.snapshot.xxh64")).as("the snapshot's digest").exists();
			assertThat(replicator.status().pendingTransactions()).isZero();
		}
		assertThat(DatabaseDump.ids(restore("restored.db"), "items")).isEqualTo(range(1, 30));
	}

	private String writeGeneration(String name, long from, long to) throws Exception {
		// Each call stands for a start that can't resume: it begins a generation of its own.
		ShippedRecords.forget(this.dir.resolve(name));
		try (KiwiDataSource dataSource = open(name);
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			insert(dataSource, from, to);
			replicator.syncNow();
			return replicator.status().position().generation();
		}
	}

	private KiwiDataSource open(String name) throws SQLException {
		return KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve(name).toString()).autoCheckpoint(false).build());
	}

	private Path replica() {
		return this.dir.resolve("replica");
	}

	private FileReplicaClient client() {
		return new FileReplicaClient(replica());
	}

	private Path restore(String name) throws IOException {
		Path target = this.dir.resolve(name);
		new Restorer(client()).restoreLatest(target).orElseThrow();
		return target;
	}

	private List<Path> walSegmentFiles() throws IOException {
		Path generations = replica().resolve("generations");
		if (!Files.exists(generations)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(generations)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".wal.lz4")).toList();
		}
	}

	private static void deleteAll(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
		}
	}

	private static void insert(KiwiDataSource dataSource, long from, long to) throws SQLException {
		for (long id = from; id <= to; id++) {
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO items (id, body) VALUES (?, ?)")) {
				insert.setLong(1, id);
				insert.setString(2, "item " + id);
				insert.executeUpdate();
			}
		}
	}

	private static List<Long> range(long from, long to) {
		List<Long> ids = new ArrayList<>();
		for (long id = from; id <= to; id++) {
			ids.add(id);
		}
		return ids;
	}

}
