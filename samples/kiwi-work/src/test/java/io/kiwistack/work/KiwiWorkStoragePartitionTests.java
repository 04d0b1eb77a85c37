package io.kiwistack.work;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import io.kiwistack.work.KiwiWorkAutoCluster.Node;
import io.kiwistack.work.SequenceWriter.Attempt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.kiwistack.work.KiwiWorkAutoCluster.ROLE_REPLICA;
import static io.kiwistack.work.KiwiWorkAutoCluster.SYNC_INTERVAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A partition drill of {@code kiwi.db.replication.mode=auto}: three Kiwi Work JVMs on 127.0.0.1
 * ({@link KiwiWorkAutoCluster}) on an S3 replica (S3Proxy in a JVM of its own,
 * {@link KiwiWorkS3Server}), each node reaching the S3 server through a {@link TcpRelay} of its
 * own, and the other nodes reaching it (streaming, forwarded writes) through another relay, the
 * URL it advertises. Cutting the primary's two relays leaves it with its own clients only: cut
 * off from storage, it can no longer renew its claim, and cut off from the other nodes, what it
 * still commits reaches no one. A client writing straight to it right after the cut gets some
 * writes acknowledged within the claim's remaining validity, which are then unshipped.
 * <p>
 * The drill checks that the old primary stops acknowledging (writes sent straight to it fail)
 * before another node's first acknowledgement, that, once healed, it steps down to a replica of
 * the new primary by itself within 30 s, keeping its old file aside ({@code keptAside}) with the
 * writes only it had, and that in the end every node has the new primary's tasks. Which
 * primary committed a write is told by the generation in its answer's {@code Kiwi-Db-Position}.
 * <p>
 * Logs of the forked JVMs are in {@code target/storage-partition-tests/}.
 */
class KiwiWorkStoragePartitionTests {

	private static final Path LOGS = Path.of("target", "storage-partition-tests");

	private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

	/** From the cut until the other nodes agree on a new primary: the lease timeout, the election, then slack. */
	private static final Duration TAKEOVER_DEADLINE = KiwiWorkAutoCluster.LEASE_TIMEOUT.plusSeconds(15);

	/** From the heal until the old primary reports itself a replica of the new one. */
	private static final Duration STEP_DOWN_DEADLINE = Duration.ofSeconds(30);

	/** How long before the cut a write may have been acknowledged and still not reached the other nodes. */
	private static final Duration STREAM_LAG_ALLOWANCE = SYNC_INTERVAL.plusSeconds(1);

	private static final Duration WRITER_PACE = Duration.ofMillis(5);

	/** The pause between the writes sent straight to the old primary: enough to probe it, not to flood its log. */
	private static final Duration DIRECT_PACE = Duration.ofMillis(20);

	@TempDir
	Path tempDir;

	@Test
	@Timeout(300)
	void aPrimaryCutOffFromStorageAndPeersStopsAcknowledgingBeforeAnotherTakesOverAndOnceHealedStepsDownKeepingItsFileAside()
			throws Exception {
		List<TcpRelay> relays = new ArrayList<>();
		Map<Node, TcpRelay> storageRelays = new HashMap<>();
		Map<Node, TcpRelay> peerRelays = new HashMap<>();
		try (KiwiWorkS3Server s3 = KiwiWorkS3Server.start(LOGS.resolve("s3-server.log"));
				KiwiWorkAutoCluster cluster = new KiwiWorkAutoCluster(this.tempDir, LOGS,
						"s3://" + s3.bucket() + "/kiwi-work",
						List.of("--kiwi.db.replication.s3.region=" + KiwiWorkS3Server.REGION,
								"--kiwi.db.replication.s3.access-key-id=" + KiwiWorkS3Server.ACCESS_KEY,
								"--kiwi.db.replication.s3.force-path-style=true"),
						Map.of(KiwiWorkS3Server.SECRET_KEY_VARIABLE, KiwiWorkS3Server.SECRET_KEY))) {
			try {
				for (String name : List.of("a", "b", "c")) {
					int port = KiwiWorkProcess.freePort();
					TcpRelay peers = TcpRelay.start(name + " peers", port);
					TcpRelay storage = TcpRelay.start(name + " storage", s3.port());
					relays.add(peers);
					relays.add(storage);
					Node node = cluster.add(name, port, "http://127.0.0.1:" + peers.port(),
							List.of("--kiwi.db.replication.s3.endpoint=http://127.0.0.1:" + storage.port()));
					peerRelays.put(node, peers);
					storageRelays.put(node, storage);
				}
				cluster.startAll();
				Node old = cluster.awaitPrimary(KiwiWorkAutoCluster.STARTUP_TIMEOUT);
				List<Node> others = cluster.nodes().stream().filter((node) -> node != old).toList();
				drill(cluster, old, others, storageRelays.get(old), peerRelays.get(old));
			}
			finally {
				relays.forEach(TcpRelay::close);
			}
		}
	}

	private void drill(KiwiWorkAutoCluster cluster, Node old, List<Node> others, TcpRelay storage, TcpRelay peers)
			throws Exception {
		SequenceWriter load = SequenceWriter.start("partition", "seq-", cluster::live, 2, WRITER_PACE);
		SequenceWriter direct = null;
		try {
			long loadStart = System.nanoTime();
			Optional<Attempt> flowing = load.awaitAcknowledged(loadStart, (attempt) -> true, SETTLE_TIMEOUT);
			assertThat(flowing).as("a write acknowledged before the cut; %s%s", SequenceWriter.summary(load.attempts()),
					cluster.logTails())
				.isPresent();
			Thread.sleep(1000);
			JsonNode beforeCut = old.replicationOrNull();
			// One list: the writer acknowledges more meanwhile.
			List<Attempt> beforeCutAcknowledged = load.acknowledged();
			String generation = beforeCutAcknowledged.get(beforeCutAcknowledged.size() - 1).generation();
			assertThat(generation).as("generation in the position of %s's latest acknowledgement; details %s", old,
					beforeCut)
				.isNotBlank();

			long cutAt = System.nanoTime();
			storage.cut();
			peers.cut();
			direct = SequenceWriter.start("straight to " + old.name(), "direct-", () -> List.of(old), 1, DIRECT_PACE);

			Node next = cluster.awaitPrimary(TAKEOVER_DEADLINE, others);
			long tookOverIn = millisSince(cutAt);
			SequenceWriter directWriter = direct;
			Optional<Attempt> firstNew = awaitFirst(List.of(load, direct), cutAt,
					(attempt) -> !generation.equals(attempt.generation()), SETTLE_TIMEOUT);
			assertThat(firstNew).as("a write acknowledged in another generation than %s's %s once %s is primary; %s%s",
					old, generation, next, SequenceWriter.summary(load.attempts()), cluster.logTails())
				.isPresent();
			JsonNode oldWhileCut = old.replicationOrNull();
			Thread.sleep(1000);

			long healAt = System.nanoTime();
			storage.heal();
			peers.heal();
			JsonNode steppedDown = old.awaitReplication("a replica of " + next + " once healed",
					(replication) -> ROLE_REPLICA.equals(replication.path("role").asString())
							&& next.advertiseUrl().equals(replication.path("primary").asString()),
					STEP_DOWN_DEADLINE);
			long steppedDownIn = millisSince(healAt);
			Thread.sleep(500);

			List<Attempt> attempts = new ArrayList<>(load.stop());
			attempts.addAll(directWriter.stop());
			direct = null;
			List<Attempt> acknowledged = attempts.stream().filter(Attempt::acknowledged).toList();
			assertThat(acknowledged.stream().filter((attempt) -> attempt.generation() == null).toList())
				.as("acknowledged writes without a %s naming a generation", SequenceWriter.POSITION_HEADER)
				.isEmpty();
			List<Attempt> byOld = acknowledged.stream()
				.filter((attempt) -> generation.equals(attempt.generation()))
				.toList();
			List<Attempt> byOthers = acknowledged.stream()
				.filter((attempt) -> !generation.equals(attempt.generation()))
				.toList();
			Attempt lastOld = byOld.stream().max(Comparator.comparingLong(Attempt::endedAt)).orElseThrow();
			List<Attempt> directAttempts = directWriter.attempts();
			List<Attempt> acknowledgedByOldAfterCut = directAttempts.stream()
				.filter((attempt) -> attempt.acknowledged() && generation.equals(attempt.generation()))
				.toList();
			List<Attempt> refusedByOld = directAttempts.stream()
				.filter((attempt) -> !attempt.acknowledged() && attempt.startedAt() > lastOld.endedAt()
						&& attempt.endedAt() < healAt)
				.toList();
			System.out.printf("partition of %s (generation %s): %s primary %d ms after the cut, first acknowledged "
					+ "in its generation %d ms after the cut, %d ms after %s's last acknowledgement (%d ms after the "
					+ "cut); %d writes sent straight to %s acknowledged after the cut, %d refused until the heal; "
					+ "while cut it said %s; after the heal a replica of %s in %d ms: %s; writes: %s; relays: %s, %s%n",
					old, generation, next, tookOverIn, (firstNew.get().endedAt() - cutAt) / 1_000_000,
					(firstNew.get().endedAt() - lastOld.endedAt()) / 1_000_000, old,
					(lastOld.endedAt() - cutAt) / 1_000_000, acknowledgedByOldAfterCut.size(), old,
					refusedByOld.size(), oldWhileCut, next, steppedDownIn, steppedDown,
					SequenceWriter.summary(attempts), storage.counts(), peers.counts());

			assertThat(lastOld.endedAt()).as("when %s acknowledged its last write (%s), against the first "
					+ "acknowledgement of another generation (%s)", old, lastOld, firstNew.get())
				.isLessThan(firstNew.get().endedAt());
			assertThat(acknowledgedByOldAfterCut)
				.as("writes sent straight to %s after the cut and acknowledged in its generation, within its claim's "
						+ "remaining validity: the writes only it has", old)
				.isNotEmpty();
			assertThat(refusedByOld).as("writes sent straight to %s after its last acknowledgement and before the "
					+ "heal, each refused or unanswered: none acknowledged", old)
				.isNotEmpty();

			String keptAsideName = steppedDown.path("keptAside").asString("");
			assertThat(keptAsideName).as("keptAside in the details of %s, which had writes no other node has: %s", old,
					steppedDown)
				.isNotBlank();
			Path keptAside = Path.of(keptAsideName);
			assertThat(keptAside).as("the file %s kept aside", old).isRegularFile();
			Set<String> inKeptAside = Set
				.copyOf(Sqlite3Shell.run(keptAside, "SELECT title FROM tasks;").lines().toList());
			assertThat(byOld.stream().filter((attempt) -> !inKeptAside.contains(attempt.title())).toList())
				.as("writes %s acknowledged, missing from the file it kept aside, %s", old, keptAside)
				.isEmpty();
			assertThat(byOthers.stream().filter((attempt) -> inKeptAside.contains(attempt.title())).toList())
				.as("writes acknowledged in %s's generation, in the file %s kept aside", next, old)
				.isEmpty();

			String position = cluster.awaitCaughtUp(next, SETTLE_TIMEOUT);
			List<Task> onNext = next.client().pending();
			Map<String, Long> ids = onNext.stream().collect(Collectors.toMap(Task::title, Task::id, (x, y) -> -1L));
			assertThat(onNext).as("tasks on %s, the new primary: each title once", next).hasSize(ids.size());
			assertThat(byOthers.stream().filter((attempt) -> !attempt.id().equals(ids.get(attempt.title()))).toList())
				.as("writes acknowledged in %s's generation missing on it, or under another id", next)
				.isEmpty();
			assertThat(acknowledgedByOldAfterCut.stream().filter((attempt) -> ids.containsKey(attempt.title())).toList())
				.as("writes %s acknowledged while cut off from every other node, on %s nonetheless", old, next)
				.isEmpty();
			long streamedBy = cutAt - STREAM_LAG_ALLOWANCE.toNanos();
			assertThat(byOld.stream()
				.filter((attempt) -> attempt.endedAt() < streamedBy && !attempt.id().equals(ids.get(attempt.title())))
				.toList()).as("writes %s acknowledged over %s before the cut, missing on %s or under another id", old,
						STREAM_LAG_ALLOWANCE, next)
				.isEmpty();
			for (Node node : cluster.nodes()) {
				if (node != next) {
					assertThat(node.client().pending()).as("tasks on %s, at %s's position %s", node, next, position)
						.isEqualTo(onNext);
				}
			}
		}
		finally {
			load.stop();
			if (direct != null) {
				direct.stop();
			}
		}
	}

	/** The first acknowledged attempt of any of {@code writers} sent after {@code nanoTime} that satisfies {@code condition}. */
	private static Optional<Attempt> awaitFirst(List<SequenceWriter> writers, long nanoTime,
			java.util.function.Predicate<Attempt> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Optional<Attempt> first = Optional.empty();
			for (SequenceWriter writer : writers) {
				Optional<Attempt> candidate = writer.awaitAcknowledged(nanoTime, condition, Duration.ZERO);
				if (candidate.isPresent()
						&& (first.isEmpty() || candidate.get().endedAt() < first.get().endedAt())) {
					first = candidate;
				}
			}
			if (first.isPresent() || System.nanoTime() > deadline) {
				return first;
			}
			Thread.sleep(10);
		}
	}

	private static long millisSince(long nanoTime) {
		return (System.nanoTime() - nanoTime) / 1_000_000;
	}

}
