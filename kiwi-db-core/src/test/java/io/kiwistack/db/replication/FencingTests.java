package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.WriteFence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * A primary acknowledges commits only while its claim on the replica is known to be valid: once
 * another node took the claim it refuses every write for good and never ships again; while it
 * can't renew, it refuses writes before the claim could expire for anyone else, and takes them
 * again once a renewal finds the claim still its own. Forked primaries paused with SIGSTOP are in
 * Kiwi Work's fencing tests.
 */
class FencingTests {

	private static final Duration LEASE_TIMEOUT = Duration.ofMillis(1200);

	private static final ReplicationSettings SETTINGS = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofMillis(100))
		.withLeaseTimeout(LEASE_TIMEOUT);

	@TempDir
	Path dir;

	@Test
	void aPrimaryWhoseClaimWasTakenRefusesEveryWriteAndNeverShipsAgain() throws Exception {
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (KiwiDataSource dataSource = open("primary.db");
				Replicator replicator = new Replicator(dataSource, client, SETTINGS)) {
			createTable(dataSource);
			replicator.start();
			insert(dataSource, 1);
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(5))).isTrue();

			// Another node takes the claim over (as it would after this one was paused past it).
			byte[] other = ("holder=4242@elsewhere started " + Instant.now() + "\nnode=" + UUID.randomUUID()
					+ "\nexpires=" + Instant.now().plus(Duration.ofHours(1)) + "\n").getBytes(StandardCharsets.UTF_8);
			client.write(PrimaryLease.PATH, other);
			long firstRefused = -1;
			SQLException refusal = null;
			for (long id = 2; id < 100_000 && refusal == null; id++) {
				try {
					insert(dataSource, id);
				}
				catch (SQLException ex) {
					refusal = ex;
					firstRefused = id;
				}
				Thread.sleep(2);
			}
			assertThat(firstRefused).as("the first write refused once the claim is gone").isPositive();
			assertThat(refusal.getSQLState()).isEqualTo(WriteFence.SQL_STATE);
			assertThat(refusal.getMessage()).contains("lost the primary claim").contains("4242@elsewhere");
			Set<String> segmentsAtRefusal = segments();
			for (long id = firstRefused; id < firstRefused + 50; id++) {
				long attempt = id;
				assertThatExceptionOfType(SQLException.class).as("write %d after the refusal", id)
					.isThrownBy(() -> insert(dataSource, attempt))
					.withMessageContaining("lost the primary claim");
			}
			ReplicationStatus status = replicator.status();
			assertThat(status.writesRefused()).contains("lost the primary claim");
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(1))).isFalse();
			assertThatExceptionOfType(PrimaryClaimLostException.class).isThrownBy(replicator::syncNow);
			Thread.sleep(5 * SETTINGS.syncInterval().toMillis());
			assertThat(segments()).as("segments shipped after the claim was lost").isEqualTo(segmentsAtRefusal);
			// Reads in a read-only transaction still answer.
			try (Connection reader = dataSource.readOnlyDataSource().orElseThrow().getConnection();
					Statement statement = reader.createStatement();
					ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
				rows.next();
				assertThat(rows.getLong(1)).isEqualTo(firstRefused - 1);
			}
		}
		assertThat(client.readVersioned(PrimaryLease.PATH).content()).as("the other node's claim, after a stop")
			.asString(StandardCharsets.UTF_8)
			.contains("4242@elsewhere");
	}

	@Test
	void aPrimaryThatCantRenewRefusesWritesBeforeItsClaimCouldExpireAndResumesOnceRenewed() throws Exception {
		FaultyReplicaClient client = new FaultyReplicaClient(new FileReplicaClient(this.dir.resolve("replica")));
		ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
		AtomicLong lastAcknowledgedNanos = new AtomicLong();
		try (KiwiDataSource dataSource = open("primary.db");
				Replicator replicator = new Replicator(dataSource, client, SETTINGS)) {
			createTable(dataSource);
			replicator.start();
			AtomicBoolean writing = new AtomicBoolean(true);
			AtomicLong outageStartedNanos = new AtomicLong(Long.MAX_VALUE);
			Thread writer = new Thread(() -> {
				for (long id = 1; writing.get(); id++) {
					try {
						insert(dataSource, id);
						long now = System.nanoTime();
						acknowledged.add(id);
						if (now > outageStartedNanos.get()) {
							lastAcknowledgedNanos.set(now);
						}
					}
					catch (SQLException ex) {
						refusals.add(ex.getMessage());
					}
					try {
						Thread.sleep(3);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "fenced-writer");
			writer.start();
			Thread.sleep(1000);
			assertThat(refusals).as("writes refused while the replica answers").isEmpty();

			client.unreachable = true;
			long outageStarted = System.nanoTime();
			outageStartedNanos.set(outageStarted);
			Thread.sleep(LEASE_TIMEOUT.toMillis() + 1000);
			int refusedDuringOutage = refusals.size();
			assertThat(refusedDuringOutage).as("writes refused during an outage longer than the claim").isPositive();
			assertThat(refusals.peek()).contains("could not renew its primary claim")
				.contains("kiwi.db.replication.lease-timeout");
			// No other node could have taken the claim before it expired: the timeout after the last
			// renewal was sent, which was before the outage began.
			assertThat(lastAcknowledgedNanos.get() - outageStarted).as("the last commit acknowledged after the "
					+ "outage began, in ns after it began")
				.isLessThan(LEASE_TIMEOUT.toNanos());
			assertThat(replicator.status().writesRefused()).contains("could not renew");

			client.unreachable = false;
			long back = System.nanoTime();
			int acknowledgedBefore = acknowledged.size();
			while (acknowledged.size() == acknowledgedBefore && System.nanoTime() - back < 5_000_000_000L) {
				Thread.sleep(10);
			}
			long resumedAfterMillis = (System.nanoTime() - back) / 1_000_000;
			assertThat(acknowledged.size()).as("writes acknowledged once the replica answers again")
				.isGreaterThan(acknowledgedBefore);
			assertThat(resumedAfterMillis).as("ms until writes resumed").isLessThan(2000);
			Thread.sleep(300);
			writing.set(false);
			writer.join(5000);
			assertThat(replicator.status().writesRefused()).isNull();
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(10))).isTrue();
			System.out.printf("fencing: %d acknowledged, %d refused during a %d ms outage, resumed %d ms after it%n",
					acknowledged.size(), refusedDuringOutage, LEASE_TIMEOUT.toMillis() + 1000, resumedAfterMillis);
		}
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new FileReplicaClient(this.dir.resolve("replica"))).restoreLatest(restored).orElseThrow();
		assertThat(DatabaseDump.ids(restored, "items")).as("every acknowledged write, restored").containsAll(acknowledged);
		assertThat(DatabaseDump.ids(restored, "items")).as("nothing but acknowledged writes").hasSameSizeAs(acknowledged);
	}

	private Set<String> segments() throws IOException {
		Path generations = this.dir.resolve("replica").resolve("generations");
		try (Stream<Path> files = Files.walk(generations)) {
			return new TreeSet<>(files.filter((file) -> file.toString().endsWith(".wal.lz4"))
				.map((file) -> generations.relativize(file).toString())
				.toList());
		}
	}

	private KiwiDataSource open(String name) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve(name).toString()).autoCheckpoint(false).build());
	}

	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
		}
	}

	private static void insert(KiwiDataSource dataSource, long id) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (id) VALUES (?)")) {
				insert.setLong(1, id);
				insert.executeUpdate();
				connection.commit();
			}
			catch (SQLException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
	}

}
