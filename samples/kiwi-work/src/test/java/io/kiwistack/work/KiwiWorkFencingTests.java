package io.kiwistack.work;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.kiwistack.work.KiwiWorkClient.titlesById;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fencing drills of issue 11, defect 3 ("a primary that lost its claim keeps acknowledging
 * writes"), with Kiwi Work in JVMs of its own replicating to a directory at a 3 s lease timeout.
 * <ul>
 * <li>Primary A is frozen with {@code SIGSTOP} past its lease timeout, node B takes the replica
 * over, A is thawed with {@code SIGCONT} while clients write to it: A must acknowledge none of
 * those writes, go {@code DOWN} as deposed, and never ship again, while B goes on; a restore from
 * the replica has exactly what A acknowledged before the pause and what B acknowledged.</li>
 * <li>A's replica becomes unreachable (its path, a symbolic link, is switched atomically to a
 * regular file, so every replica operation fails with "Not a directory", even for root): once its
 * claim could expire, A refuses writes naming the claim and
 * {@code kiwi.db.replication.lease-timeout}, and takes writes again soon after the replica is
 * back, its claim still its own; a restore has every acknowledged task.</li>
 * </ul>
 * Logs of the forked JVMs are in {@code target/fencing-tests/}.
 */
class KiwiWorkFencingTests {

	private static final Path LOGS = Path.of("target", "fencing-tests");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(40);

	private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(3);

	/** How long a renewal keeps A's commits allowed: the lease timeout less its sixth. */
	private static final Duration CLAIM_VALIDITY = LEASE_TIMEOUT.minus(LEASE_TIMEOUT.dividedBy(6));

	private static final int SIGTERM_EXIT_STATUS = 128 + 15;

	private static final int WRITERS = 4;

	/** The pause between one writer's requests: enough to probe, without flooding the log with refusals. */
	private static final Duration WRITER_PACE = Duration.ofMillis(20);

	@TempDir
	Path tempDir;

	@Test
	@Timeout(120)
	void aPrimaryPausedPastItsClaimAcknowledgesNoWriteAfterAnotherNodeTookOverAndNeverShipsAgain() throws Exception {
		Path replica = this.tempDir.resolve("replica");
		Path fileA = directoryFor("a").resolve("work.db");
		Path fileB = directoryFor("b").resolve("work.db");
		Path fileC = directoryFor("c").resolve("work.db");
		Map<Long, String> acknowledgedByA = new LinkedHashMap<>();
		Map<Long, String> acknowledgedByB = new LinkedHashMap<>();

		try (KiwiWorkProcess a = KiwiWorkProcess.start(fileA, LOGS.resolve("paused-a.log"), primaryArguments(replica))) {
			KiwiWorkClient clientA = a.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 20; i++) {
				Task task = clientA.create("A before the pause " + i);
				acknowledgedByA.put(task.id(), task.title());
			}
			JsonNode shipped = awaitShipped(clientA, "A");
			assertThat(shipped.path("transactionsShipped").asLong()).as("transactions A shipped, in %s", shipped)
				.isGreaterThanOrEqualTo(acknowledgedByA.size());
			String generationA = shipped.path("generation").asString();
			Path generationDirA = replica.resolve("generations").resolve(generationA);
			assertThat(generationDirA.resolve("wal")).as("A's generation's log segments").isDirectory();

			a.pause();
			long stoppedAt = System.nanoTime();
			Thread.sleep(LEASE_TIMEOUT.plusSeconds(2).toMillis());

			try (KiwiWorkProcess b = KiwiWorkProcess.start(fileB, LOGS.resolve("paused-b.log"),
					primaryArguments(replica))) {
				KiwiWorkClient clientB = b.awaitHealthy(STARTUP_TIMEOUT);
				System.out.printf("B healthy %d ms after A was stopped%n", (System.nanoTime() - stoppedAt) / 1_000_000);
				assertThat(b.logText()).as("B's log: it restored A's data")
					.contains("Restored " + fileB.toAbsolutePath() + " from file:" + replica.toAbsolutePath());
				assertThat(titlesById(clientB.pending())).as("tasks B restored from A's replica")
					.isEqualTo(acknowledgedByA);
				String generationB = replication(clientB).path("generation").asString();
				assertThat(generationB).as("B's generation").isNotEqualTo(generationA);
				List<String> filesOfA = filesUnder(generationDirA);
				assertThat(filesOfA).as("files of A's generation %s", generationA)
					.anyMatch((name) -> name.startsWith("wal/") && name.endsWith(".wal.lz4"));

				// A resumes with requests already waiting for it, and more coming for 3 s.
				PacedWriters writers = PacedWriters.start(clientA, "A after the pause", WRITERS);
				Thread.sleep(200);
				a.resume();
				long resumedAt = System.nanoTime();

				JsonNode deposed = awaitReplication(clientA, "A deposed",
						(replication) -> replication.path("writesRefused").asString("").contains("lost the primary claim"),
						Duration.ofSeconds(10));
				for (int i = 1; i <= 5; i++) {
					Task task = clientB.create("B while A resumes " + i);
					acknowledgedByB.put(task.id(), task.title());
				}
				sleepUntil(resumedAt + Duration.ofSeconds(3).toNanos());
				List<PacedWriters.Result> results = writers.stop();
				System.out.printf("A after SIGCONT: %d requests answered (%s), %d unanswered%n",
						results.stream().filter(PacedWriters.Result::answered).count(), statusCounts(results),
						results.stream().filter((result) -> !result.answered()).count());

				assertThat(results.stream().filter(PacedWriters.Result::acknowledged).toList())
					.as("writes A acknowledged after SIGCONT, although B had taken its claim over")
					.isEmpty();
				assertThat(results.stream().filter(PacedWriters.Result::answered).toList())
					.as("writes A answered after SIGCONT: enough to probe it, each refused with a 503, retry later")
					.hasSizeGreaterThanOrEqualTo(20)
					.allSatisfy((result) -> assertThat(result.status()).as("status of %s", result).isEqualTo(503));
				assertThat(health(clientA).path("components").path("kiwiDb").path("status").asString())
					.as("A's kiwiDb health once deposed").isEqualTo("DOWN");
				assertThat(deposed.path("writesRefused").asString()).as("A's writesRefused")
					.startsWith("This node lost the primary claim on file:" + replica.toAbsolutePath() + " to " + b.pid()
							+ "@");
				String logA = a.logText();
				assertThat(logA).as("A's log: it logged losing its claim to B")
					.contains("This node lost the primary claim on file:" + replica.toAbsolutePath() + " to " + b.pid()
							+ "@");
				// Refused first as a claim it could not renew, then, once it read the claim, as one lost to B.
				String lostToB = "This node lost the primary claim on file:" + replica.toAbsolutePath() + " to " + b.pid()
						+ "@";
				assertThat(results.stream().filter(PacedWriters.Result::answered).toList())
					.as("writes A refused after SIGCONT: each answer says why")
					.allSatisfy((result) -> assertThat(result.body()).as("body of %s", result)
						.startsWith(result.body().startsWith("This node could not renew")
								? "This node could not renew its primary claim on file:" + replica.toAbsolutePath() : lostToB)
						.endsWith("Nothing was written; try again shortly.\n"))
					.anySatisfy((result) -> assertThat(result.body()).startsWith(lostToB));

				// B goes on taking writes; A, deposed, ships nothing, not even when it stops.
				for (int i = 1; i <= 5; i++) {
					Task task = clientB.create("B after A resumed " + i);
					acknowledgedByB.put(task.id(), task.title());
				}
				assertThat(a.stop()).as("exit status of the deposed A, log:%n%s", a.logTail())
					.isIn(0, SIGTERM_EXIT_STATUS);
				assertThat(filesUnder(generationDirA)).as("files of A's generation %s after SIGCONT and A's stop",
						generationA)
					.isEqualTo(filesOfA);
				assertThat(acknowledgedByB.keySet()).as("ids of B's tasks, after A's")
					.allSatisfy((id) -> assertThat(id).isGreaterThan(acknowledgedByA.keySet().stream().max(Long::compare).get()));
				awaitShipped(clientB, "B");
				assertThat(b.stop()).as("exit status of B, log:%n%s", b.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
			}
		}

		Map<Long, String> expected = new HashMap<>(acknowledgedByA);
		expected.putAll(acknowledgedByB);
		assertThat(restoredTasks(fileC, replica, "paused-c.log"))
			.as("tasks restored from the replica: exactly A's before the pause and B's")
			.isEqualTo(expected);
	}

	@Test
	@Timeout(120)
	void aPrimaryCutOffFromItsReplicaRefusesWritesOnceItsClaimCouldExpireAndTakesThemAgainWhenItIsBack()
			throws Exception {
		Path store = directoryFor("replica-store");
		Path unreachable = this.tempDir.resolve("not-a-directory");
		Files.writeString(unreachable, "the replica is unreachable\n");
		Path replica = this.tempDir.resolve("replica");
		Files.createSymbolicLink(replica, store);
		Path fileA = directoryFor("a").resolve("work.db");
		Path fileC = directoryFor("c").resolve("work.db");
		Map<Long, String> acknowledged = new HashMap<>();
		List<String> sent = new ArrayList<>();

		try (KiwiWorkProcess a = KiwiWorkProcess.start(fileA, LOGS.resolve("outage-a.log"), primaryArguments(replica))) {
			KiwiWorkClient clientA = a.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 10; i++) {
				Task task = clientA.create("A before the outage " + i);
				acknowledged.put(task.id(), task.title());
				sent.add(task.title());
			}
			JsonNode before = awaitShipped(clientA, "A");
			String generation = before.path("generation").asString();
			assertThat(before.has("lastError")).as("lastError before the outage, in %s", before).isFalse();
			assertThat(store.resolve("kiwi").resolve("primary.lease")).as("A's claim in the replica").isRegularFile();

			pointTo(replica, unreachable);
			long outageStart = System.nanoTime();
			PacedWriters writers = PacedWriters.start(clientA, "A during the outage", 2);
			JsonNode failing = awaitReplication(clientA, "a replication error",
					(replication) -> replication.hasNonNull("lastError"), Duration.ofSeconds(5));
			System.out.printf("replication failing after %d ms: %s%n", (System.nanoTime() - outageStart) / 1_000_000,
					failing.path("lastError").asString());
			assertThat(failing.path("lastError").asString()).as("lastError while the replica is unreachable")
				.contains("Not a directory");
			JsonNode refusing = awaitReplication(clientA, "writes refused",
					(replication) -> replication.hasNonNull("writesRefused"), Duration.ofSeconds(5));
			long refusingAt = System.nanoTime();
			assertThat(refusing.path("writesRefused").asString()).as("A's writesRefused during the outage")
				.startsWith("This node could not renew its primary claim on file:" + replica.toAbsolutePath() + " within "
						+ CLAIM_VALIDITY.toMillis() + " ms (kiwi.db.replication.lease-timeout "
						+ LEASE_TIMEOUT.toMillis() + " ms");
			assertThat(health(clientA).path("components").path("kiwiDb").path("status").asString())
				.as("A's kiwiDb health while writes are refused").isEqualTo("DOWN");
			sleepUntil(Math.max(outageStart + Duration.ofSeconds(4).toNanos(), refusingAt + 1_000_000_000L));

			pointTo(replica, store);
			long outageEnd = System.nanoTime();
			PacedWriters.Result firstAfter = null;
			while (firstAfter == null && System.nanoTime() - outageEnd < Duration.ofSeconds(5).toNanos()) {
				Thread.sleep(50);
				firstAfter = writers.results()
					.stream()
					.filter((result) -> result.acknowledged() && result.startedAt() > outageEnd)
					.findFirst()
					.orElse(null);
			}
			assertThat(firstAfter).as("a write A acknowledged within 5 s after the replica was back").isNotNull();
			long resumedAfter = (firstAfter.startedAt() - outageEnd) / 1_000_000;
			Thread.sleep(500);
			List<PacedWriters.Result> results = writers.stop();
			for (PacedWriters.Result result : results) {
				sent.add(result.title());
				if (result.acknowledged()) {
					assertThat(result.id()).as("id of the task acknowledged for %s", result).isNotNull();
					acknowledged.put(result.id(), result.title());
				}
			}
			long claimCouldExpire = outageStart + CLAIM_VALIDITY.toNanos();
			List<PacedWriters.Result> whileExpired = results.stream()
				.filter((result) -> result.startedAt() > claimCouldExpire && result.endedAt() < outageEnd)
				.toList();
			System.out.printf("outage of %d ms: writes refused from %d ms on; %d writes sent while the claim could "
					+ "have expired (%s); first write acknowledged %d ms after the replica was back%n",
					(outageEnd - outageStart) / 1_000_000, (refusingAt - outageStart) / 1_000_000, whileExpired.size(),
					statusCounts(whileExpired), resumedAfter);

			assertThat(results.stream()
				.filter((result) -> result.acknowledged() && result.endedAt() < outageStart + 1_000_000_000L)
				.toList()).as("writes A acknowledged in the first second of the outage, while its claim was valid")
				.isNotEmpty();
			assertThat(whileExpired.stream().filter(PacedWriters.Result::acknowledged).toList())
				.as("writes A acknowledged after its claim could have expired (%d ms into the outage) and before the "
						+ "replica was back", CLAIM_VALIDITY.toMillis())
				.isEmpty();
			assertThat(whileExpired).as("writes sent while the claim could have expired, each refused with a 503, "
					+ "retry later")
				.hasSizeGreaterThanOrEqualTo(10)
				.allSatisfy((result) -> assertThat(result.status()).as("status of %s", result).isEqualTo(503));
			assertThat(resumedAfter).as("ms after the replica was back until A acknowledged a write again")
				.isLessThanOrEqualTo(3_000);
			String logA = a.logText();
			assertThat(whileExpired).as("writes refused while the claim could have expired: each answer names the "
					+ "claim and the lease timeout")
				.allSatisfy((result) -> assertThat(result.body()).as("body of %s", result)
					.startsWith("This node could not renew its primary claim on file:" + replica.toAbsolutePath())
					.contains("kiwi.db.replication.lease-timeout 3000 ms"));
			assertThat(logA).as("A's log").doesNotContain("lost the primary claim");

			// Everything acknowledged reaches the replica, in the same generation: the claim stayed A's.
			JsonNode after = awaitReplication(clientA, "everything shipped after the outage",
					(replication) -> replication.path("pendingTransactions").asInt(-1) == 0
							&& !replication.has("lastError") && !replication.has("writesRefused"),
					Duration.ofSeconds(20));
			assertThat(after.path("generation").asString()).as("A's generation after the outage").isEqualTo(generation);
			assertThat(health(clientA).path("components").path("kiwiDb").path("status").asString())
				.as("A's kiwiDb health after the outage").isEqualTo("UP");
			for (int i = 1; i <= 5; i++) {
				Task task = clientA.create("A after the outage " + i);
				acknowledged.put(task.id(), task.title());
				sent.add(task.title());
			}
			awaitShipped(clientA, "A");
			assertThat(a.stop()).as("exit status of A, log:%n%s", a.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
		}

		Map<Long, String> restored = restoredTasks(fileC, replica, "outage-c.log");
		assertThat(restored).as("tasks restored from the replica after the outage").containsAllEntriesOf(acknowledged);
		assertThat(restored.values()).as("titles restored: only ones a client sent").isSubsetOf(sent);
		System.out.printf("restored %d tasks: %d acknowledged, %d committed although refused%n", restored.size(),
				acknowledged.size(), restored.size() - acknowledged.size());
	}

	private Path directoryFor(String name) throws IOException {
		return Files.createDirectories(this.tempDir.resolve(name));
	}

	/** Switches the symbolic link {@code link} to {@code target} in one rename: never missing in between. */
	private static void pointTo(Path link, Path target) throws IOException {
		Path next = link.resolveSibling(link.getFileName() + ".next");
		Files.deleteIfExists(next);
		Files.createSymbolicLink(next, target);
		Files.move(next, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/**
	 * Starts a fresh node on a missing file, which restores it from the replica, and returns its
	 * tasks; stops it cleanly, then reads its file with {@code sqlite3} too.
	 */
	private static Map<Long, String> restoredTasks(Path file, Path replica, String log) throws Exception {
		Map<Long, String> tasks;
		try (KiwiWorkProcess c = KiwiWorkProcess.start(file, LOGS.resolve(log), primaryArguments(replica))) {
			KiwiWorkClient clientC = c.awaitHealthy(STARTUP_TIMEOUT);
			assertThat(c.logText()).as("C's log: it restored from the replica")
				.contains("Restored " + file.toAbsolutePath() + " from file:" + replica.toAbsolutePath());
			tasks = titlesById(clientC.pending());
			assertThat(c.stop()).as("exit status of C, log:%n%s", c.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(Sqlite3Shell.run(file, "PRAGMA integrity_check;")).as("integrity of C's file").isEqualTo("ok");
		assertThat(Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(file, "SELECT id, title FROM tasks WHERE done = 0;")))
			.as("tasks in C's file, read by sqlite3")
			.isEqualTo(tasks);
		return tasks;
	}

	/** Every file under {@code directory}, relative to it, sorted. */
	private static List<String> filesUnder(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> directory.relativize(file).toString())
				.sorted()
				.toList();
		}
	}

	private static List<String> primaryArguments(Path replica) {
		return List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=file:" + replica.toAbsolutePath(),
				"--kiwi.db.replication.sync-interval=200ms",
				"--kiwi.db.replication.lease-timeout=" + LEASE_TIMEOUT.toSeconds() + "s");
	}

	private static JsonNode awaitShipped(KiwiWorkClient client, String node) throws Exception {
		return awaitReplication(client, node + " shipped everything",
				(replication) -> replication.path("pendingTransactions").asInt(-1) == 0
						&& replication.hasNonNull("generation"),
				Duration.ofSeconds(15));
	}

	private static JsonNode awaitReplication(KiwiWorkClient client, String what, Predicate<JsonNode> condition,
			Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode replication = replication(client);
		while (!condition.test(replication)) {
			if (System.nanoTime() > deadline) {
				fail("Not there within %s: %s; replication details: %s", timeout, what, replication);
			}
			Thread.sleep(50);
			replication = replication(client);
		}
		return replication;
	}

	private static JsonNode health(KiwiWorkClient client) throws IOException {
		return client.health();
	}

	private static JsonNode replication(KiwiWorkClient client) throws IOException {
		JsonNode health = client.health();
		JsonNode replication = health.path("components").path("kiwiDb").path("details").path("replication");
		assertThat(replication.isObject()).as("kiwiDb replication details in %s", health).isTrue();
		return replication;
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long left = nanoTime - System.nanoTime();
		if (left > 0) {
			Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
		}
	}

	private static String statusCounts(List<PacedWriters.Result> results) {
		return results.stream()
			.collect(Collectors.groupingBy((result) -> result.answered() ? Integer.toString(result.status()) : "none",
					java.util.TreeMap::new, Collectors.counting()))
			.toString();
	}

	/**
	 * Client threads creating tasks one after the other with a short pause, recording for each
	 * request when it was sent and answered (on {@link System#nanoTime()}) and how.
	 */
	private static final class PacedWriters {

		private final List<Result> results = new CopyOnWriteArrayList<>();

		private final List<Thread> threads = new ArrayList<>();

		private final AtomicInteger sequence = new AtomicInteger();

		private volatile boolean stopped;

		static PacedWriters start(KiwiWorkClient client, String name, int count) {
			PacedWriters writers = new PacedWriters();
			for (int t = 0; t < count; t++) {
				Thread thread = new Thread(() -> writers.run(client, name), name + " writer " + t);
				thread.setDaemon(true);
				writers.threads.add(thread);
				thread.start();
			}
			return writers;
		}

		private void run(KiwiWorkClient client, String name) {
			while (!this.stopped) {
				String title = name + " " + this.sequence.incrementAndGet();
				long startedAt = System.nanoTime();
				try {
					HttpResponse<String> response = client.postTask(title);
					Long id = null;
					if (response.statusCode() / 100 == 2) {
						Task task = KiwiWorkClient.task(response);
						// A task of another title would be a defect of its own: leave the id out, and the checks fail.
						id = title.equals(task.title()) ? task.id() : null;
					}
					this.results.add(new Result(title, startedAt, System.nanoTime(), response.statusCode(), id,
							response.body()));
				}
				catch (IOException | RuntimeException ex) {
					this.results.add(new Result(title, startedAt, System.nanoTime(), -1, null, ex.toString()));
				}
				try {
					Thread.sleep(WRITER_PACE.toMillis());
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		List<Result> results() {
			return List.copyOf(this.results);
		}

		List<Result> stop() throws InterruptedException {
			this.stopped = true;
			for (Thread thread : this.threads) {
				thread.join(15_000);
				assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
			}
			return results();
		}

		/**
		 * @param status the HTTP status, or -1 when there was no answer
		 * @param id the task's id when it was acknowledged (2xx)
		 */
		record Result(String title, long startedAt, long endedAt, int status, Long id, String body) {

			boolean answered() {
				return this.status > 0;
			}

			boolean acknowledged() {
				return this.status / 100 == 2;
			}

			@Override
			public String toString() {
				return this.title + " -> " + this.status + " " + this.body;
			}

		}

	}

}
