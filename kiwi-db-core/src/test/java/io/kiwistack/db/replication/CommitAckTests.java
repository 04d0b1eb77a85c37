package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.kiwistack.db.CommitWatch;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary with {@code commit-ack} replica returns a commit only once a read replica streaming
 * from it holds it, waiting at most the timeout and then saying so in its health; it never waits
 * holding the writer, and with {@code local} it does not wait at all. A real primary and a real
 * follower streaming over HTTP, on files.
 */
class CommitAckTests {

	private static final PeerSecret SECRET = new PeerSecret("a shared secret for the commit-ack tests");

	/** Storage is synced only when the test asks, or when the log grew by 64 KiB: the follower streams. */
	private static final ReplicationSettings SYNC_WHEN_ASKED = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1))
		.withCheckpointThresholdBytes(64 * 1024);

	private static final int THREADS = 8;

	@TempDir
	Path dir;

	@Test
	void eachCommitReturnsOnlyOnceTheFollowerHoldsItWhileEightThreadsCommit() throws Exception {
		Path replica = this.dir.resolve("replica");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary()) {
			// Generous: a timeout on a loaded machine must not pass for an acknowledgement, and fails below.
			PrimaryReplication replication = primaryReplication(primary, replica, server,
					CommitAck.replica(Duration.ofSeconds(10)));
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER, body TEXT)");
			replication.syncNow();
			try (StreamingReplica follower = StreamingReplica.start(this.dir, replica)) {
				int perThread = 40;
				ConcurrentLinkedQueue<String> notHeld = new ConcurrentLinkedQueue<>();
				AtomicReference<Throwable> failure = new AtomicReference<>();
				List<Thread> writers = new ArrayList<>();
				for (int t = 0; t < THREADS; t++) {
					int writer = t;
					writers.add(new Thread(() -> {
						try {
							for (int n = 0; n < perThread; n++) {
								Position committed = commitOneRow(primary, replication, writer, n, (n % 2 == 0));
								// The commit returned: the follower must hold it already, without waiting.
								if (!follower.replication().awaitPosition(committed, Duration.ZERO)) {
									notHeld.add("writer " + writer + " row " + n + " at " + committed + ", follower at "
											+ follower.replication().position().orElse(null));
								}
							}
						}
						catch (Throwable ex) {
							failure.compareAndSet(null, ex);
						}
					}, "commit-ack-writer-" + t));
				}
				writers.forEach(Thread::start);
				for (Thread writer : writers) {
					writer.join();
				}
				assertThat(failure.get()).isNull();
				assertThat(notHeld).as("commits that returned before the follower held them").isEmpty();
				assertThat(count(follower.dataSource())).isEqualTo(THREADS * perThread);
				try (Connection connection = follower.dataSource().getConnection();
						Statement statement = connection.createStatement();
						ResultSet rows = statement.executeQuery("SELECT count(DISTINCT writer * 1000 + n) FROM notes")) {
					rows.next();
					assertThat(rows.getInt(1)).as("every writer's every row").isEqualTo(THREADS * perThread);
				}
				assertThat(timeouts(replication)).isZero();
				assertThat(replication.health().state()).isEqualTo(ReplicationHealth.State.UP);
				assertThat(replication.health().details()).containsEntry("commitAck", "replica")
					.containsEntry("commitAckTimeouts", 0L);
				assertThat(follower.replication().position().orElseThrow().index()).as("log indexes crossed")
					.isGreaterThan(0);
			}
			replication.close();
		}
	}

	@Test
	void withTheFollowerStoppedACommitReturnsAfterTheTimeoutAndHealthIsDegradedUntilOneIsAcknowledgedAgain()
			throws Exception {
		Path replica = this.dir.resolve("replica");
		Duration timeout = Duration.ofMillis(500);
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary()) {
			PrimaryReplication replication = primaryReplication(primary, replica, server, CommitAck.replica(timeout));
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER, body TEXT)");
			replication.syncNow();
			try (StreamingReplica follower = StreamingReplica.start(this.dir, replica)) {
				assertThat(timed(() -> commitOneRow(primary, replication, 0, 0, true))).isLessThan(timeout);
			}
			Duration unacknowledged = timed(() -> commitOneRow(primary, replication, 0, 1, false));
			assertThat(unacknowledged).isGreaterThanOrEqualTo(timeout).isLessThan(timeout.plusSeconds(3));
			assertThat(timeouts(replication)).isEqualTo(1);
			ReplicationHealth degraded = replication.health();
			assertThat(degraded.state()).isEqualTo(ReplicationHealth.State.DEGRADED);
			assertThat(degraded.details()).containsEntry("commitAckTimeouts", 1L).containsKey("lastCommitAckTimeout");
			assertThat(replication.isHealthy()).as("commits still return, durable locally").isTrue();

			// The follower's copy was left while streaming: it restores afresh from storage, then streams again.
			replication.syncNow();
			try (StreamingReplica follower = StreamingReplica.start(this.dir, replica)) {
				Position acknowledged = commitOneRow(primary, replication, 0, 2, true);
				assertThat(follower.replication().awaitPosition(acknowledged, Duration.ZERO)).isTrue();
				assertThat(replication.health().state()).isEqualTo(ReplicationHealth.State.UP);
				assertThat(timed(() -> commitOneRow(primary, replication, 0, 3, false))).isLessThan(timeout);
				assertThat(count(follower.dataSource())).isEqualTo(4);
			}
			assertThat(timeouts(replication)).as("counted, never reset").isEqualTo(1);
			replication.close();
		}
	}

	@Test
	void aCommitterWaitingForItsAcknowledgementHasGivenTheWriterBackAlready() throws Exception {
		Path replica = this.dir.resolve("replica");
		Duration timeout = Duration.ofMillis(1500);
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary()) {
			PrimaryReplication replication = primaryReplication(primary, replica, server, CommitAck.replica(timeout));
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER, body TEXT)");
			// No follower: the first writer waits out the whole timeout after its commit.
			CountDownLatch committed = new CountDownLatch(1);
			AtomicLong firstReturnedAt = new AtomicLong();
			Thread first = new Thread(() -> {
				try (Connection connection = primary.getConnection();
						CommitWatch.Registration watching = primary.commitWatch().watchThisThread(committed::countDown);
						Statement statement = connection.createStatement()) {
					statement.execute("INSERT INTO notes (writer, n, body) VALUES (1, 0, 'waits')");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				firstReturnedAt.set(System.nanoTime());
			});
			first.start();
			assertThat(committed.await(10, TimeUnit.SECONDS)).isTrue();
			Thread.sleep(100);
			long borrowStart = System.nanoTime();
			long borrowed;
			try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
				borrowed = System.nanoTime();
				statement.execute("INSERT INTO notes (writer, n, body) VALUES (2, 0, 'meanwhile')");
			}
			first.join();
			assertThat(Duration.ofNanos(borrowed - borrowStart)).as("waited for the writer").isLessThan(Duration.ofMillis(500));
			assertThat(firstReturnedAt.get() - borrowed).as("the first was still waiting for its acknowledgement")
				.isPositive();
			assertThat(timeouts(replication)).isEqualTo(2);
			replication.close();
		}
	}

	@Test
	void withLocalCommitsReturnAtOnceWhateverTheFollowers() throws Exception {
		Path replica = this.dir.resolve("replica");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary()) {
			// A timeout that a waiting commit would show: five of them would take 25 s.
			PrimaryReplication replication = primaryReplication(primary, replica, server,
					new CommitAck(CommitAck.Mode.LOCAL, Duration.ofSeconds(5)));
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER, body TEXT)");
			replication.syncNow();
			try (StreamingReplica follower = StreamingReplica.start(this.dir, replica)) {
				commitOneRow(primary, replication, 0, 0, true);
			}
			Duration fiveCommits = timed(() -> {
				Position last = null;
				for (int n = 1; n <= 5; n++) {
					last = commitOneRow(primary, replication, 0, n, (n % 2 == 0));
				}
				return last;
			});
			assertThat(fiveCommits).isLessThan(Duration.ofSeconds(2));
			assertThat(timeouts(replication)).isZero();
			assertThat(replication.health().state()).isEqualTo(ReplicationHealth.State.UP);
			assertThat(replication.health().details()).doesNotContainKey("commitAck");
			replication.close();
		}
		try (KiwiDataSource primary = openPrimary();
				PrimaryReplication byDefault = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
						SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings("http://127.0.0.1:1", SECRET))) {
			assertThat(byDefault.commitAck()).isEqualTo(CommitAck.LOCAL);
		}
	}

	private KiwiDataSource openPrimary() throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("primary.db").toString()).autoCheckpoint(false).build());
	}

	private static PrimaryReplication primaryReplication(KiwiDataSource primary, Path replica, PeerHttpServer server,
			CommitAck commitAck) {
		PrimaryReplication replication = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
				SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings(server.url(), SECRET), commitAck);
		server.serve(new PeerEndpoint(replication, SECRET));
		return replication;
	}

	/**
	 * Insert one row, in a transaction or by itself, and return the position of everything
	 * committed when it committed: what a web response hands its client, read on the committing
	 * thread while it holds the writer, so no later commit is in it.
	 */
	private static Position commitOneRow(KiwiDataSource primary, PrimaryReplication replication, int writer, int n,
			boolean inTransaction) throws SQLException {
		AtomicReference<Position> position = new AtomicReference<>();
		try (CommitWatch.Registration watching = primary.commitWatch()
			.watchThisThread(() -> position.set(replication.position().orElseThrow()))) {
			try (Connection connection = primary.getConnection()) {
				connection.setAutoCommit(!inTransaction);
				try (PreparedStatement insert = connection
					.prepareStatement("INSERT INTO notes (writer, n, body) VALUES (?, ?, ?)")) {
					insert.setInt(1, writer);
					insert.setInt(2, n);
					insert.setString(3, "x".repeat(800));
					insert.executeUpdate();
				}
				if (inTransaction) {
					connection.commit();
				}
			}
		}
		assertThat(position.get()).as("the commit was seen").isNotNull();
		return position.get();
	}

	private static Duration timed(SqlWork work) throws SQLException {
		long start = System.nanoTime();
		work.run();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static long timeouts(PrimaryReplication replication) {
		return (long) replication.meters()
			.stream()
			.filter((meter) -> meter.name().equals("kiwi.db.replication.commit.ack.timeouts"))
			.findFirst()
			.orElseThrow()
			.value()
			.getAsDouble();
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

	@FunctionalInterface
	private interface SqlWork {

		Object run() throws SQLException;

	}

	/** A read replica of the primary's replica, streaming from the primary once it has started. */
	private record StreamingReplica(KiwiDataSource dataSource, ReadReplication replication) implements AutoCloseable {

		static StreamingReplica start(Path dir, Path replica) throws Exception {
			Path file = dir.resolve("follower.db");
			ReadReplication.prepare(file, new FileReplicaClient(replica), false);
			KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(file.toString()).replicaOf("file:" + replica).readers(2).build());
			ReadReplication replication = KiwiDbReplicator.readReplica(dataSource, new FileReplicaClient(replica),
					Duration.ofMillis(100), Duration.ofSeconds(30), new PeerSettings(null, SECRET));
			replication.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!replication.streaming() && System.nanoTime() - deadline < 0) {
				Thread.sleep(10);
			}
			assertThat(replication.streaming()).as("streaming from the primary").isTrue();
			return new StreamingReplica(dataSource, replication);
		}

		@Override
		public void close() throws Exception {
			try {
				this.replication.close();
			}
			finally {
				this.dataSource.close();
			}
		}

	}

}
