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
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * A primary acknowledges commits only while its claim on the replica is known to be valid: once
 * another node took the claim it refuses every write for good and never ships again; while it
 * can't renew, it refuses writes before the claim could expire for anyone else, and takes them
 * again once a renewal finds the claim still its own. The claims last the default 30 s, on a
 * {@link TestClock} the tests move by hand: renewals fall due and claims expire in no real time.
 * Forked primaries paused with SIGSTOP, in real time, are in Kiwi Work's fencing tests.
 */
class FencingTests {

	private static final Duration LEASE_TIMEOUT = ReplicationSettings.defaults().leaseTimeout();

	/** How long a renewal keeps the claim valid for this node: the timeout less the safety margin. */
	private static final Duration VALID = LEASE_TIMEOUT.minus(PrimaryLease.safetyMargin(LEASE_TIMEOUT));

	private static final ReplicationSettings SETTINGS = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofMillis(100))
		.withLeaseTimeout(LEASE_TIMEOUT);

	private final TestClock clock = TestClock.startingNow();

	@TempDir
	Path dir;

	@Test
	void aPrimaryWhoseClaimWasTakenRefusesEveryWriteAndNeverShipsAgain() throws Exception {
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (LogCapture log = LogCapture.of(PrimaryClaim.class.getName());
				KiwiDataSource dataSource = open("primary.db");
				Replicator replicator = new Replicator(dataSource, client, SETTINGS, this.clock)) {
			createTable(dataSource);
			replicator.start();
			insert(dataSource, 1);
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(5))).isTrue();

			// Another node takes the claim over (as it would after this one was paused past it),
			// and this one's next renewal falls due: it finds the claim taken.
			byte[] other = ("holder=4242@elsewhere started " + Instant.now() + "\nnode=" + UUID.randomUUID()
					+ "\nexpires=" + Instant.now().plus(Duration.ofHours(1)) + "\n").getBytes(StandardCharsets.UTF_8);
			client.write(PrimaryLease.PATH, other);
			this.clock.advance(LEASE_TIMEOUT.dividedBy(3));
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
			// The fence may rise while that write commits: then it is in the local file, not acknowledged, and says so.
			boolean committedUnacknowledged = WriteFence.Refusal.in(refusal) == null;
			if (committedUnacknowledged) {
				assertThat(refusal.getMessage()).startsWith("The transaction was committed to the local file but is not "
						+ "acknowledged");
			}
			Set<String> segmentsAtRefusal = segments();
			for (long id = firstRefused; id < firstRefused + 50; id++) {
				long attempt = id;
				assertThatExceptionOfType(SQLException.class).as("write %d after the refusal", id)
					.isThrownBy(() -> insert(dataSource, attempt))
					.withMessageContaining("lost the primary claim");
			}
			ReplicationStatus status = replicator.status();
			assertThat(status.writesRefused()).contains("lost the primary claim");
			assertThat(log.records()).as("logged once").singleElement().asString()
				.contains("SEVERE This node lost the primary claim on " + client.describe() + " to 4242@elsewhere");
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(1))).isFalse();
			assertThatExceptionOfType(PrimaryClaimLostException.class).isThrownBy(replicator::syncNow);
			Thread.sleep(5 * SETTINGS.syncInterval().toMillis());
			assertThat(segments()).as("segments shipped after the claim was lost").isEqualTo(segmentsAtRefusal);
			// Reads in a read-only transaction still answer.
			try (Connection reader = dataSource.readOnlyDataSource().orElseThrow().getConnection();
					Statement statement = reader.createStatement();
					ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
				rows.next();
				assertThat(rows.getLong(1)).isEqualTo(committedUnacknowledged ? firstRefused : firstRefused - 1);
			}
		}
		assertThat(client.readVersioned(PrimaryLease.PATH).content()).as("the other node's claim, after a stop")
			.asString(StandardCharsets.UTF_8)
			.contains("4242@elsewhere");
	}

	/**
	 * The replica stops answering right after the claim was taken: commits are acknowledged while
	 * the claim is valid, the lease timeout less its safety margin after the claim was sent, refused
	 * from the moment that has passed on the clock (long before the claim expires for other nodes),
	 * and acknowledged again as soon as a renewal succeeds.
	 */
	@Test
	void aPrimaryThatCantRenewRefusesWritesBeforeItsClaimCouldExpireAndResumesOnceRenewed() throws Exception {
		FaultyReplicaClient client = new FaultyReplicaClient(new FileReplicaClient(this.dir.resolve("replica")));
		ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
		// A commit the fence rose during: in the local file, so shipped once the claim is renewed, but
		// never acknowledged to the writer.
		ConcurrentLinkedQueue<Long> committedUnacknowledged = new ConcurrentLinkedQueue<>();
		AtomicLong lastAcknowledgedNanos = new AtomicLong(Long.MIN_VALUE);
		AtomicLong firstRefusedNanos = new AtomicLong(Long.MAX_VALUE);
		try (LogCapture log = LogCapture.of(Replicator.class.getName());
				KiwiDataSource dataSource = open("primary.db");
				Replicator replicator = new Replicator(dataSource, client, SETTINGS, this.clock)) {
			createTable(dataSource);
			// The claim is taken now, on the clock: it is valid for this node until VALID from now.
			long claimedAt = this.clock.nanoTime();
			replicator.start();
			AtomicBoolean writing = new AtomicBoolean(true);
			Thread writer = new Thread(() -> {
				for (long id = 1; writing.get(); id++) {
					try {
						insert(dataSource, id);
						acknowledged.add(id);
						lastAcknowledgedNanos.set(this.clock.nanoTime());
					}
					catch (SQLException ex) {
						if (WriteFence.Refusal.in(ex) == null) {
							committedUnacknowledged.add(id);
						}
						refusals.add(ex.getMessage());
						firstRefusedNanos.compareAndSet(Long.MAX_VALUE, this.clock.nanoTime());
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
			awaitAcknowledged(acknowledged, 5);
			assertThat(refusals).as("writes refused while the replica answers").isEmpty();

			// The outage, on the clock in steps of a second, past the lease timeout: the writer commits
			// a few times at each step.
			client.unreachable = true;
			long outageStarted = this.clock.nanoTime();
			Duration fenceOpenAt = null;
			Duration fenceClosedAt = null;
			while (this.clock.since(outageStarted).compareTo(LEASE_TIMEOUT.plusSeconds(5)) < 0) {
				this.clock.advance(Duration.ofSeconds(1));
				Duration since = this.clock.since(claimedAt);
				if (dataSource.writeFence().refusal() == null) {
					assertThat(fenceClosedAt).as("the fence opened again at %s, during the outage", since).isNull();
					fenceOpenAt = since;
				}
				else if (fenceClosedAt == null) {
					fenceClosedAt = since;
				}
				Thread.sleep(10);
			}
			assertThat(fenceOpenAt).as("the last second on the clock the fence was open, after the claim").isEqualTo(VALID);
			assertThat(fenceClosedAt).as("the first second it was closed").isEqualTo(VALID.plusSeconds(1));
			assertThat(refusals).as("writes refused during an outage longer than the claim").isNotEmpty();
			assertThat(refusals.peek()).contains("could not renew its primary claim")
				.contains("kiwi.db.replication.lease-timeout");
			assertThat(Duration.ofNanos(firstRefusedNanos.get() - claimedAt)).as("the first refusal, after the claim")
				.isGreaterThan(VALID);
			// No other node could have taken the claim before it expired: the timeout after the claim
			// was sent, which was before the outage began.
			assertThat(Duration.ofNanos(lastAcknowledgedNanos.get() - outageStarted))
				.as("the last commit acknowledged, after the outage began")
				.isLessThan(LEASE_TIMEOUT)
				.isLessThanOrEqualTo(VALID.plusSeconds(1));
			assertThat(replicator.status().writesRefused()).contains("could not renew");
			assertThat(log.records()).as("logged: the failed syncs")
				.anyMatch((record) -> record.contains("WARNING Replication to " + client.describe() + " failed (attempt 1"));
			int refusedDuringOutage = refusals.size();

			// Back, with the clock standing still: the next renewal, at the next sync, opens the fence.
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
			Thread.sleep(100);
			writing.set(false);
			writer.join(5000);
			assertThat(replicator.status().writesRefused()).isNull();
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(10))).isTrue();
			System.out.printf("fencing: %d acknowledged, %d refused during a %d s outage on the clock, resumed %d ms "
					+ "after it%n", acknowledged.size(), refusedDuringOutage, LEASE_TIMEOUT.plusSeconds(5).toSeconds(),
					resumedAfterMillis);
		}
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new FileReplicaClient(this.dir.resolve("replica"))).restoreLatest(restored).orElseThrow();
		List<Long> expected = new ArrayList<>(acknowledged);
		expected.addAll(committedUnacknowledged);
		assertThat(DatabaseDump.ids(restored, "items"))
			.as("every acknowledged write and the %s committed while the fence rose, and no refused write",
					committedUnacknowledged)
			.containsExactlyInAnyOrderElementsOf(expected);
	}

	private static void awaitAcknowledged(ConcurrentLinkedQueue<Long> acknowledged, int count)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (acknowledged.size() < count) {
			assertThat(System.nanoTime()).as("%d writes acknowledged within 10 s", count).isLessThan(deadline);
			Thread.sleep(10);
		}
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
