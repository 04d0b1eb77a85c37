package io.kiwistack.db.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * How the replicator behaves: what it reports, when a commit is in the replica, what closing
 * ships, what retention deletes, and that it keeps the write-ahead log small by checkpointing.
 */
class ReplicatorTests {

	/** A timer that never fires within a test: syncs happen at start and when asked. */
	private static final ReplicationSettings ONLY_WHEN_ASKED = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1));

	@TempDir
	Path dir;

	@Test
	void anEmptyReplicaAndAMissingDatabaseRestoreToNothingAndCreateNothing() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path target = this.dir.resolve("data").resolve("app.db");
		Optional<RestoreResult> result = new Restorer(new FileReplicaClient(replica)).restoreLatest(target);
		assertThat(result).isEmpty();
		assertThat(ReplicaFiles.listAll(this.dir)).as("files and directories after the restore").isEmpty();

		Files.createDirectories(replica.resolve("generations"));
		assertThat(new Restorer(new FileReplicaClient(replica)).restoreLatest(target)).isEmpty();
		assertThat(target.getParent()).doesNotExist();
	}

	@Test
	void statusReportsTheGenerationAndAPositionThatAdvancesWithEachSync() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			replicator.start();
			replicator.syncNow();
			ReplicationStatus first = replicator.status();
			assertThat(first.replica()).isEqualTo("file:" + this.dir.resolve("replica").toAbsolutePath());
			assertThat(first.position()).isNotNull();
			assertThat(client().generations()).containsExactly(first.position().generation());
			assertThat(first.lastSuccessfulSync()).isNotNull();
			assertThat(first.lastError()).isNull();
			assertThat(first.failingSince()).isNull();
			assertThat(first.pendingTransactions()).isZero();
			assertThat(first.pendingBytes()).isZero();

			insert(dataSource, 1, 3);
			ReplicationStatus pending = replicator.status();
			assertThat(pending.pendingTransactions()).as("three commits not shipped yet").isEqualTo(3);
			assertThat(pending.pendingBytes()).isPositive();
			assertThat(pending.position()).isEqualTo(first.position());

			replicator.syncNow();
			ReplicationStatus second = replicator.status();
			assertThat(second.position().generation()).isEqualTo(first.position().generation());
			assertThat(second.position().index()).isEqualTo(first.position().index());
			assertThat(second.position().offset()).isGreaterThan(first.position().offset());
			assertThat(second.pendingTransactions()).isZero();
			assertThat(second.pendingBytes()).isZero();
			assertThat(second.transactionsShipped()).isGreaterThanOrEqualTo(first.transactionsShipped() + 3);
			assertThat(second.lastSuccessfulSync()).isAfterOrEqualTo(first.lastSuccessfulSync());
			// The segment that moved the position is in the replica.
			assertThat(client().walSegments(second.position().generation()))
				.anyMatch((segment) -> segment.index() == second.position().index()
						&& segment.offset() == first.position().offset());
		}
	}

	@Test
	void awaitReplicatedReturnsOnceTheCommitIsInTheReplica() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			replicator.start();
			replicator.syncNow();
			Position before = replicator.status().position();
			insert(dataSource, 1, 1);
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(1))).isTrue();
			Position after = replicator.status().position();
			assertThat(after.offset()).isGreaterThan(before.offset());
			assertThat(client().walSegments(after.generation()))
				.anyMatch((segment) -> segment.index() == before.index() && segment.offset() == before.offset());
			assertThat(replicator.status().pendingTransactions()).isZero();
			assertThat(restoredIds("restored.db")).containsExactly(1L);
		}
	}

	@Test
	void closeShipsWhatWasCommittedSinceTheLastSync() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db")) {
			Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED);
			createTable(dataSource);
			replicator.start();
			replicator.syncNow();
			insert(dataSource, 1, 5);
			assertThat(replicator.status().pendingTransactions()).isEqualTo(5);
			replicator.close();
		}
		assertThat(restoredIds("restored.db")).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void closeShipsEverythingOfAReplicatorThatNeverSynced() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db")) {
			createTable(dataSource);
			insert(dataSource, 1, 2);
			new Replicator(dataSource, client(), ONLY_WHEN_ASKED).close();
		}
		assertThat(restoredIds("restored.db")).containsExactly(1L, 2L);
	}

	@Test
	void syncNowShipsOnAReplicatorThatWasNotStarted() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			insert(dataSource, 1, 1);
			replicator.syncNow();
			assertThat(restoredIds("restored.db")).containsExactly(1L);
		}
	}

	/**
	 * Retention on the clock: a day's retention and hourly snapshots, the clock moved on by hand.
	 * Storage dates objects by the real time, which the clock started at: what is younger than the
	 * retention on the clock is kept, and once the clock is past it only the newest snapshot and
	 * the segments from it on remain, enough to restore everything.
	 */
	@Test
	void retentionDeletesOldSnapshotsSegmentsAndGenerationsButKeepsTheLatestRestorable() throws Exception {
		Duration retention = Duration.ofDays(1);
		Duration snapshotInterval = Duration.ofHours(1);
		ReplicationSettings settings = ONLY_WHEN_ASKED.withRetention(retention)
			.withSnapshotInterval(snapshotInterval)
			.withCheckpointThresholdBytes(16 * 1024);
		TestClock clock = TestClock.startingNow();
		long id = 1;
		// A first generation, left behind by a restart.
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED, clock)) {
			createTable(dataSource);
			replicator.start();
			insert(dataSource, id, 10);
			id += 10;
			replicator.syncNow();
		}
		String first = client().generations().get(0);
		try (LogCapture log = LogCapture.of(Replicator.class.getName());
				KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), settings, clock)) {
			replicator.start();
			// Within the retention: a snapshot each hour (the log index moves on with checkpoints),
			// and nothing deleted.
			for (int sync = 0; sync < 3; sync++) {
				insert(dataSource, id, 10);
				id += 10;
				clock.advance(snapshotInterval);
				replicator.syncNow();
			}
			String current = replicator.status().position().generation();
			// (The restart may continue the first generation: then it is the current one.)
			assertThat(client().generations()).as("generations within the retention")
				.containsExactlyInAnyOrderElementsOf(new java.util.TreeSet<>(List.of(first, current)));
			assertThat(client().snapshots(current)).as("snapshots within the retention").hasSizeGreaterThan(2);
			assertThat(client().walSegments(current)).as("segments within the retention")
				.anyMatch((segment) -> segment.index() == 0);

			// Past it: everything written so far is more than a day old on the clock. (So is the
			// claim, which no timer renews here: each sync renews it before the next writes.)
			clock.advance(retention);
			for (int sync = 0; sync < 2; sync++) {
				clock.advance(snapshotInterval);
				replicator.syncNow();
				insert(dataSource, id, 10);
				id += 10;
			}
			replicator.syncNow();
			assertThat(replicator.status().position().generation()).isEqualTo(current);
			assertThat(client().generations()).as("generations: %s was past retention", first).containsExactly(current);
			List<SnapshotInfo> snapshots = client().snapshots(current);
			assertThat(snapshots).as("snapshots").hasSize(1);
			long kept = snapshots.get(0).index();
			assertThat(kept).as("the snapshot's log index").isPositive();
			assertThat(client().walSegments(current)).as("segments")
				.isNotEmpty()
				.allMatch((segment) -> segment.index() >= kept);
			// A sync of the growth check, should it come between the clock's jump and the test's own, finds
			// the claim lapsed.
			assertThat(log.records()).as("warnings").filteredOn((record) -> record.contains(" WARNING "))
				.allMatch((record) -> record.contains("could not renew its primary claim"));
		}
		assertThat(restoredIds("restored.db")).hasSize((int) id - 1).startsWith(1L).endsWith(id - 1);
	}

	@Test
	void theReplicatorKeepsTheWriteAheadLogNearItsCheckpointThreshold() throws Exception {
		long threshold = 128 * 1024;
		ReplicationSettings settings = ONLY_WHEN_ASKED.withCheckpointThresholdBytes(threshold);
		long largestLog = 0;
		long written = 0;
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), settings)) {
			createTable(dataSource);
			replicator.start();
			for (int transaction = 1; transaction <= 400; transaction++) {
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection
							.prepareStatement("INSERT INTO numbers (id, payload) VALUES (?, randomblob(6000))")) {
					insert.setLong(1, transaction);
					insert.executeUpdate();
				}
				written += 6000;
				largestLog = Math.max(largestLog, dataSource.file().orElseThrow().walSize());
				if (transaction % 10 == 0) {
					replicator.syncNow();
				}
			}
			assertThat(replicator.status().position().index()).as("log indices: checkpoints restarted the log")
				.isGreaterThan(5);
		}
		assertThat(written).isGreaterThan(15 * threshold);
		// Between two syncs: 10 transactions of two or three pages each.
		assertThat(largestLog).as("the largest the write-ahead log grew").isLessThan(3 * threshold);
		assertThat(restoredIds("restored.db")).hasSize(400);
	}

	@Test
	void aCheckpointComesOncePerThresholdOfLogNotAtEverySync() throws Exception {
		long threshold = 128 * 1024;
		ReplicationSettings settings = ONLY_WHEN_ASKED.withCheckpointThresholdBytes(threshold);
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), settings)) {
			createTable(dataSource);
			replicator.start();
			// Past the threshold once: a checkpoint, and the log restarts at index 1.
			insert(dataSource, 1, 60);
			replicator.syncNow();
			insert(dataSource, 61, 1);
			replicator.syncNow();
			long index = replicator.status().position().index();
			assertThat(index).isEqualTo(1);
			// Then ten syncs of one small transaction each: some 50 KiB of log in all.
			for (int sync = 0; sync < 10; sync++) {
				insert(dataSource, 62 + sync, 1);
				replicator.syncNow();
			}
			assertThat(replicator.status().position().index()).as("log index after 50 KiB more of log")
				.isEqualTo(index);
		}
	}

	@Test
	void withoutReplicationTheLogOfAConnectionWithoutAutoCheckpointGrowsUnbounded() throws Exception {
		// The contrast to the test above: autoCheckpoint(false) leaves checkpoints to the replicator.
		try (KiwiDataSource dataSource = openKiwi("app.db")) {
			createTable(dataSource);
			for (int transaction = 1; transaction <= 100; transaction++) {
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection
							.prepareStatement("INSERT INTO numbers (id, payload) VALUES (?, randomblob(6000))")) {
					insert.setLong(1, transaction);
					insert.executeUpdate();
				}
			}
			assertThat(dataSource.file().orElseThrow().walSize()).isGreaterThan(100 * 6000);
		}
	}

	@Test
	void aBurstOfWritesIsShippedBeforeTheSyncIntervalIsUp() throws Exception {
		try (KiwiDataSource dataSource = openKiwi("app.db");
				Replicator replicator = new Replicator(dataSource, client(), ONLY_WHEN_ASKED)) {
			createTable(dataSource);
			replicator.start();
			replicator.syncNow();
			long shippedBefore = replicator.status().transactionsShipped();
			// Well past the early-sync mark (one checkpoint threshold, 4 MB): 12,000 rows of 4 KB,
			// one transaction each. The sync interval is an hour, and syncNow is not called again.
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO numbers (id, payload) VALUES (?, ?)")) {
				java.util.Random random = new java.util.Random(7);
				for (int id = 1; id <= 12_000; id++) {
					byte[] payload = new byte[4000];
					random.nextBytes(payload);
					insert.setLong(1, id);
					insert.setBytes(2, payload);
					insert.executeUpdate();
				}
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (replicator.status().transactionsShipped() - shippedBefore < 6_000 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(replicator.status().transactionsShipped() - shippedBefore)
				.as("transactions shipped without a timed sync").isGreaterThanOrEqualTo(6_000);
			assertThat(replicator.status().lastError()).isNull();
		}
	}

	private FileReplicaClient client() {
		return new FileReplicaClient(this.dir.resolve("replica"));
	}

	private KiwiDataSource openKiwi(String name) throws SQLException {
		return KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve(name).toString()).autoCheckpoint(false).build());
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE numbers (id INTEGER PRIMARY KEY, payload BLOB)");
		}
	}

	/** Insert rows {@code from}, {@code from + 1}... one transaction each. */
	private static void insert(KiwiDataSource dataSource, long from, int count) throws SQLException {
		for (long id = from; id < from + count; id++) {
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO numbers (id, payload) VALUES (?, ?)")) {
				insert.setLong(1, id);
				insert.setBytes(2, new byte[1000]);
				insert.executeUpdate();
			}
		}
	}

	private List<Long> restoredIds(String name) throws Exception {
		Path restored = this.dir.resolve("restores").resolve(name);
		new Restorer(client()).restoreLatest(restored).orElseThrow();
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		try (Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + restored);
				Statement statement = connection.createStatement();
				java.sql.ResultSet rows = statement.executeQuery("SELECT id FROM numbers ORDER BY id")) {
			List<Long> ids = new java.util.ArrayList<>();
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
			return ids;
		}
	}

}
