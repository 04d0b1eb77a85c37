package io.kiwistack.db.replication;

import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code status()} is read from other threads (health, metrics) while the replicator ships: every
 * position it reports is one the replicator actually reached, whole.
 */
class ShippingStatusConsistencyTests {

	private static final int READERS = 4;

	@TempDir
	Path dir;

	@Test
	void statusReadFromManyThreadsWhileShippingUnderLoadNeverShowsATornPosition() throws Exception {
		Path replica = this.dir.resolve("replica");
		// Small checkpoints and frequent syncs: the log index moves on many times during the run.
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofMillis(5))
			.withCheckpointThresholdBytes(64 * 1024);
		ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
		List<List<ReplicationStatus>> seen = new ArrayList<>();
		try (KiwiDataSource dataSource = GenerationResumeTests.open(this.dir.resolve("app.db"));
				Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings)) {
			try (Connection connection = dataSource.getConnection()) {
				connection.createStatement().execute("CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT)");
			}
			replicator.start();
			AtomicBoolean running = new AtomicBoolean(true);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				List<ReplicationStatus> statuses = new ArrayList<>();
				seen.add(statuses);
				threads.add(new Thread(() -> {
					while (running.get()) {
						statuses.add(replicator.status());
					}
				}, "status-reader-" + i));
			}
			Thread writer = new Thread(() -> {
				try {
					for (int batch = 0; batch < 60; batch++) {
						// The writer connection is given back between batches: a checkpoint's barrier takes it
						// briefly, and the pause lets the checkpoint complete, so the log restarts as a new index.
						try (Connection connection = dataSource.getConnection();
								PreparedStatement insert = connection.prepareStatement("INSERT INTO items (body) VALUES (?)")) {
							for (int i = batch * 100; i < (batch + 1) * 100; i++) {
								insert.setString(1, "row " + i + " " + "y".repeat(i % 700));
								insert.executeUpdate();
							}
						}
						Thread.sleep(30);
					}
				}
				catch (Exception ex) {
					problems.add("writer: " + ex);
				}
			}, "writer");
			threads.forEach(Thread::start);
			writer.start();
			writer.join(120_000);
			replicator.syncNow();
			running.set(false);
			for (Thread thread : threads) {
				thread.join(10_000);
			}
			ReplicationStatus last = replicator.status();
			assertThat(last.pendingTransactions()).as("pending once everything is shipped").isZero();
			assertThat(last.pendingBytes()).isZero();
		}
		assertThat(problems).isEmpty();

		Map<String, Set<Long>> reached = shippedEnds(new FileReplicaClient(replica));
		int checked = 0;
		for (List<ReplicationStatus> statuses : seen) {
			Position previous = null;
			for (ReplicationStatus status : statuses) {
				Position position = status.position();
				assertThat(status.pendingBytes()).isNotNegative();
				assertThat(status.pendingTransactions()).isNotNegative();
				if (position == null) {
					assertThat(previous).as("a position once shown stays").isNull();
					continue;
				}
				if (position.offset() > 0) {
					assertThat(reached.getOrDefault(position.generation() + "/" + position.index(), Set.of()))
						.as("%s is where a segment of its own log ends", position)
						.contains(position.offset());
				}
				if (previous != null && previous.generation().equals(position.generation())) {
					assertThat(position.index() > previous.index()
							|| (position.index() == previous.index() && position.offset() >= previous.offset()))
						.as("%s after %s", position, previous).isTrue();
				}
				previous = position;
				checked++;
			}
		}
		assertThat(checked).as("positions read").isGreaterThan(1000);
		assertThat(reached.keySet()).as("log indexes shipped").hasSizeGreaterThanOrEqualTo(3);
	}

	/** For each generation and log index, the offsets shipping reached: 0 and each segment's end. */
	private static Map<String, Set<Long>> shippedEnds(FileReplicaClient client) throws Exception {
		Map<String, Set<Long>> ends = new HashMap<>();
		for (String generation : client.generations()) {
			for (WalSegmentInfo segment : client.walSegments(generation)) {
				long length;
				try (InputStream in = Lz4.decompress(client.open(segment.path()))) {
					length = in.transferTo(java.io.OutputStream.nullOutputStream());
				}
				Set<Long> offsets = ends.computeIfAbsent(generation + "/" + segment.index(), (key) -> new HashSet<>());
				offsets.add(0L);
				offsets.add(segment.offset() + length);
			}
		}
		return ends;
	}

}
