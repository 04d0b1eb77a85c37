package io.kiwistack.db.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * Restoring to a point in time T gives exactly the transactions of the last sync at or before T.
 * Times are those of the replica's objects (file modification times); the file system's clock
 * ticks more coarsely than {@link Instant#now()}, so the test leaves {@link #GAP} between each
 * recorded time and the next object written.
 */
class PointInTimeRestoreTests {

	private static final Duration GAP = Duration.ofMillis(60);

	private static final int ROWS_PER_BATCH = 5;

	@TempDir
	Path dir;

	private long nextId = 1;

	@Test
	void restoreToATimeGivesExactlyTheTransactionsShippedByThenAcrossCheckpoints() throws Exception {
		Path replica = this.dir.resolve("replica");
		// A checkpoint threshold smaller than a batch: each batch starts a new log index.
		ReplicationSettings settings = onlyWhenAsked().withCheckpointThresholdBytes(16 * 1024);
		Instant beforeFirstSnapshot = Instant.now();
		sleep(GAP);
		List<Instant> shippedAt = new ArrayList<>();
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("primary.db"));
				Replicator replicator = started(dataSource, replica, settings)) {
			createTable(dataSource);
			replicator.syncNow();
			shippedAt.add(now());
			for (int batch = 1; batch <= 6; batch++) {
				writeBatch(dataSource);
				replicator.syncNow();
				shippedAt.add(now());
			}
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		String generation = client.generations().get(0);
		assertThat(client.walSegments(generation).stream().mapToLong(WalSegmentInfo::index).distinct().count())
			.as("log indices").isGreaterThanOrEqualTo(6);
		assertThat(client.snapshots(generation)).hasSize(1);
		assertObjectTimesSeparate(client, shippedAt);

		Restorer restorer = new Restorer(client);
		for (int batch = 0; batch < shippedAt.size(); batch++) {
			assertThat(idsRestoredAt(restorer, shippedAt.get(batch))).as("restored at the end of batch %d", batch)
				.containsExactly(idsUpTo(batch));
			assertThat(idsRestoredAt(restorer, shippedAt.get(batch).plus(GAP.dividedBy(2))))
				.as("restored between batch %d and the next", batch)
				.containsExactly(idsUpTo(batch));
		}
		assertThat(idsRestoredAt(restorer, Instant.now().plus(Duration.ofDays(1)))).as("restored after everything")
			.containsExactly(idsUpTo(6));

		Path tooEarly = this.dir.resolve("too-early.db");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> restorer.restoreTo(tooEarly, beforeFirstSnapshot))
			.withMessageContaining("no snapshot taken at or before " + beforeFirstSnapshot);
		assertThat(tooEarly).doesNotExist();
	}

	@Test
	void restoreToATimePicksTheRightSnapshotWhenEachIndexHasOne() throws Exception {
		Path replica = this.dir.resolve("replica");
		// A snapshot at every sync, and a checkpoint at every sync: from batch 2 on, one snapshot per
		// log index.
		ReplicationSettings settings = onlyWhenAsked().withCheckpointThresholdBytes(16 * 1024)
			.withSnapshotInterval(Duration.ofMillis(1));
		List<Instant> shippedAt = new ArrayList<>();
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("primary.db"));
				Replicator replicator = started(dataSource, replica, settings)) {
			createTable(dataSource);
			replicator.syncNow();
			shippedAt.add(now());
			for (int batch = 1; batch <= 5; batch++) {
				writeBatch(dataSource);
				replicator.syncNow();
				shippedAt.add(now());
			}
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		assertThat(client.snapshots(client.generations().get(0))).as("snapshots").hasSizeGreaterThanOrEqualTo(5);
		Restorer restorer = new Restorer(client);
		// From batch 1 on: the snapshot of index 0 was rewritten up to batch 1 (see
		// restoreToATimeBeforeASnapshotRewrittenAtTheSameLogIndex).
		for (int batch = 1; batch < shippedAt.size(); batch++) {
			assertThat(idsRestoredAt(restorer, shippedAt.get(batch).plus(GAP.dividedBy(2))))
				.as("restored between batch %d and the next", batch)
				.containsExactly(idsUpTo(batch));
		}
	}

	@Test
	void restoreToATimeBeforeASnapshotRewrittenAtTheSameLogIndex() throws Exception {
		Path replica = this.dir.resolve("replica");
		// A snapshot at every sync; no checkpoint, so the log index stays 0 throughout.
		ReplicationSettings settings = onlyWhenAsked().withSnapshotInterval(Duration.ofMillis(1));
		List<Instant> shippedAt = new ArrayList<>();
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("primary.db"));
				Replicator replicator = started(dataSource, replica, settings)) {
			createTable(dataSource);
			for (int batch = 1; batch <= 3; batch++) {
				writeBatch(dataSource);
				replicator.syncNow();
				shippedAt.add(now());
			}
		}
		Restorer restorer = new Restorer(new FileReplicaClient(replica));
		assertThat(idsRestoredAt(restorer, shippedAt.get(0).plus(GAP.dividedBy(2)))).as("restored after batch 1")
			.containsExactly(idsUpTo(1));
	}

	@Test
	void restoreToATimePicksTheGenerationThatWasCurrentThen() throws Exception {
		Path database = this.dir.resolve("primary.db");
		Path replica = this.dir.resolve("replica");
		ReplicationSettings settings = onlyWhenAsked().withCheckpointThresholdBytes(16 * 1024);
		List<Instant> shippedAt = new ArrayList<>();
		for (int generation = 0; generation < 2; generation++) {
			ShippedRecords.forget(database);
			try (KiwiDataSource dataSource = openKiwi(database);
					Replicator replicator = started(dataSource, replica, settings)) {
				if (generation == 0) {
					createTable(dataSource);
				}
				for (int batch = 0; batch < 2; batch++) {
					writeBatch(dataSource);
					replicator.syncNow();
					shippedAt.add(now());
				}
			}
		}
		assertThat(new FileReplicaClient(replica).generations()).hasSize(2);
		Restorer restorer = new Restorer(new FileReplicaClient(replica));
		for (int batch = 0; batch < shippedAt.size(); batch++) {
			assertThat(idsRestoredAt(restorer, shippedAt.get(batch).plus(GAP.dividedBy(2))))
				.as("restored after batch %d (generation %d)", batch + 1, batch / 2 + 1)
				.containsExactly(idsUpTo(batch + 1));
		}
	}

	@Test
	void litestreamRestoresToTheSameTimeAsKiwi() throws Exception {
		Path replica = this.dir.resolve("replica");
		ReplicationSettings settings = onlyWhenAsked().withCheckpointThresholdBytes(16 * 1024);
		List<Instant> shippedAt = new ArrayList<>();
		try (KiwiDataSource dataSource = openKiwi(this.dir.resolve("primary.db"));
				Replicator replicator = started(dataSource, replica, settings)) {
			createTable(dataSource);
			replicator.syncNow();
			shippedAt.add(now());
			for (int batch = 1; batch <= 4; batch++) {
				writeBatch(dataSource);
				replicator.syncNow();
				shippedAt.add(now());
			}
		}
		for (int batch : new int[] { 1, 2, 3 }) {
			Instant time = shippedAt.get(batch).plus(GAP.dividedBy(2));
			Path byLitestream = this.dir.resolve("litestream-at-" + batch + ".db");
			Litestream.run("restore", "-o", byLitestream.toString(), "-timestamp", time.toString(), "file://" + replica);
			assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
			assertThat(ids(byLitestream)).as("litestream restore -timestamp %s", time).containsExactly(idsUpTo(batch));
			Path byKiwi = this.dir.resolve("kiwi-at-" + batch + ".db");
			new Restorer(new FileReplicaClient(replica)).restoreTo(byKiwi, time);
			assertThat(DatabaseDump.of(byKiwi)).isEqualTo(DatabaseDump.of(byLitestream));
		}
	}

	private long[] idsUpTo(int batch) {
		return LongStream.rangeClosed(1, (long) batch * ROWS_PER_BATCH).toArray();
	}

	private long[] idsRestoredAt(Restorer restorer, Instant time) throws Exception {
		Path target = Files.createTempDirectory(this.dir, "restore").resolve("restored.db");
		RestoreResult result = restorer.restoreTo(target, time);
		assertThat(result.database()).isEqualTo(target.toAbsolutePath());
		assertThat(DatabaseDump.integrity(target)).isEqualTo("ok");
		return ids(target);
	}

	private static long[] ids(Path database) throws SQLException {
		List<Long> ids = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM shipped ORDER BY id")) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		return ids.stream().mapToLong(Long::longValue).toArray();
	}

	/**
	 * The premise of the test: no object is dated between a recorded time and the probe after it,
	 * and none after the last recorded time. Fails clearly on a file system whose clock is coarser
	 * than {@link #GAP}.
	 */
	private static void assertObjectTimesSeparate(FileReplicaClient client, List<Instant> shippedAt) throws Exception {
		String generation = client.generations().get(0);
		Instant last = shippedAt.get(shippedAt.size() - 1);
		for (WalSegmentInfo segment : client.walSegments(generation)) {
			Instant created = segment.createdAt();
			assertThat(created).as("segment %s", segment.position()).isBeforeOrEqualTo(last);
			for (Instant time : shippedAt) {
				assertThat(created.isAfter(time) && !created.isAfter(time.plus(GAP.dividedBy(2))))
					.as("segment %s dated %s, within %s after the sync recorded at %s", segment.position(), created,
							GAP.dividedBy(2), time)
					.isFalse();
			}
		}
	}

	private void writeBatch(KiwiDataSource dataSource) throws SQLException {
		for (int i = 0; i < ROWS_PER_BATCH; i++) {
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO shipped (id, payload) VALUES (?, ?)")) {
				insert.setLong(1, this.nextId++);
				insert.setString(2, "p".repeat(3000));
				insert.executeUpdate();
			}
		}
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE shipped (id INTEGER PRIMARY KEY, payload TEXT)");
		}
	}

	/** The time after a sync, then a pause so that the next objects are dated after it. */
	private static Instant now() throws InterruptedException {
		Instant now = Instant.now();
		sleep(GAP);
		return now;
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	/** Settings whose timer never fires within a test: syncs happen at start and at syncNow(). */
	private static ReplicationSettings onlyWhenAsked() {
		return ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1));
	}

	/** A started replicator: its first sync (a new generation, with its snapshot) runs now. */
	private static Replicator started(KiwiDataSource dataSource, Path replica, ReplicationSettings settings) {
		Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings);
		replicator.start();
		return replicator;
	}

	private static KiwiDataSource openKiwi(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

}
