package io.kiwistack.work;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drills of issue 11 (defects 1, 2 and 8) with Kiwi Work in JVMs of its own sharing a directory
 * replica: a node replacing a lost one must refuse a replica whose generation lost its snapshot
 * instead of starting empty over it, and must not fall back to an older generation unless told to;
 * a primary that crashed and restarts at once on its own file takes its own claim without waiting
 * for it to expire; a second primary is refused before it restores anything. Logs of the forked
 * JVMs are in {@code target/restore-safety-tests/}.
 */
class KiwiWorkRestoreSafetyTests {

	private static final Path LOGS = Path.of("target", "restore-safety-tests");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(40);

	/** How long a node whose startup is refused may take to exit. */
	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(40);

	/** How long a primary may take to ship what it acknowledged. */
	private static final Duration SHIPPING_DEADLINE = Duration.ofSeconds(15);

	/** The default {@code kiwi.db.replication.lease-timeout}, which drills 3 and 4 keep. */
	private static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(30);

	private static final String FIRST_SNAPSHOT = "00000000.snapshot.lz4";

	private static final String FIRST_SNAPSHOT_DIGEST = "00000000.snapshot.xxh64";

	private static final String ALLOW_OLDER = "--kiwi.db.replication.allow-older-generation=true";

	private static final int SIGKILL_EXIT_STATUS = 128 + 9;

	private static final int SIGTERM_EXIT_STATUS = 128 + 15;

	@TempDir
	Path tempDir;

	@Test
	@Timeout(120)
	void aNodeWithoutItsFileRefusesAReplicaWhoseOnlySnapshotIsMissing() throws Exception {
		Path logs = LOGS.resolve("only-snapshot-missing");
		Path replica = this.tempDir.resolve("replica");
		Path primaryFile = this.tempDir.resolve("a").resolve("work.db");
		Path nodeDirectory = Files.createDirectories(this.tempDir.resolve("b"));
		Path nodeFile = nodeDirectory.resolve("work.db");

		List<Task> tasks = runPrimaryAndStop(primaryFile, replica, logs.resolve("a.log"), "task", 5);
		List<String> generations = generations(replica);
		assertThat(generations).as("generations after one run of the primary, replica %s", replica).hasSize(1);
		String generation = generations.get(0);
		Path generationDirectory = replica.resolve("generations").resolve(generation);
		assertThat(names(generationDirectory.resolve("snapshots"))).as("snapshots of generation %s", generation)
			.containsExactly(FIRST_SNAPSHOT);
		assertThat(names(generationDirectory.resolve("wal"))).as("log segments of generation %s", generation)
			.isNotEmpty()
			.allMatch((name) -> name.matches("[0-9a-f]{8}_[0-9a-f]{8,16}\\.wal\\.lz4"));
		assertThat(names(generationDirectory.resolve("kiwi"))).as("kiwi-db's records of generation %s", generation)
			.contains(FIRST_SNAPSHOT_DIGEST);
		assertThat(tasks).hasSize(5);

		deleteEverythingIn(generationDirectory.resolve("snapshots"));
		Map<String, String> replicaBefore = contents(replica);
		String missingSnapshot = "generations/" + generation + "/snapshots/" + FIRST_SNAPSHOT;

		// Without falling back: refused, naming the generation, its missing snapshot and the way out.
		try (KiwiWorkProcess node = KiwiWorkProcess.start(nodeFile, logs.resolve("b.log"),
				primaryArguments(replica))) {
			String log = awaitRefused(node);
			assertThat(log).as("log of the refused node").contains("Generation " + generation + " of file:" + replica.toAbsolutePath())
				.contains(missingSnapshot + " is missing")
				.contains("kiwi.db.replication.allow-older-generation")
				.doesNotContain("holds nothing yet")
				.doesNotContain("Started KiwiWorkApplication");
		}
		assertNothingRestored(nodeDirectory, nodeFile);
		assertThat(contents(replica)).as("replica %s after the refused start", replica).isEqualTo(replicaBefore);

		// Falling back allowed, but there is nothing older: still refused.
		try (KiwiWorkProcess node = KiwiWorkProcess.start(nodeFile, logs.resolve("b-allow-older.log"),
				primaryArguments(replica, ALLOW_OLDER))) {
			String log = awaitRefused(node);
			assertThat(log).as("log of the node refused although falling back is allowed")
				.contains("No generation of file:" + replica.toAbsolutePath() + " can be restored")
				.contains("Generation " + generation + " of file:")
				.contains(missingSnapshot + " is missing")
				.doesNotContain("holds nothing yet")
				.doesNotContain("Started KiwiWorkApplication");
		}
		assertNothingRestored(nodeDirectory, nodeFile);
		assertThat(contents(replica)).as("replica %s after the second refused start", replica)
			.isEqualTo(replicaBefore);
	}

	@Test
	@Timeout(120)
	void aNodeWithoutItsFileRefusesANewestGenerationWithoutSnapshotAndFallsBackOnlyWhenAllowed() throws Exception {
		Path logs = LOGS.resolve("newest-snapshot-missing");
		Path replica = this.tempDir.resolve("replica");
		Path primaryFile = this.tempDir.resolve("a").resolve("work.db");
		Path nodeDirectory = Files.createDirectories(this.tempDir.resolve("b"));
		Path nodeFile = nodeDirectory.resolve("work.db");

		List<Task> firstGenerationTasks = runPrimaryAndStop(primaryFile, replica, logs.resolve("a-1.log"), "first run",
				5);
		List<String> afterFirstRun = generations(replica);
		assertThat(afterFirstRun).as("generations after the first run").hasSize(1);
		String older = afterFirstRun.get(0);
		// A clean restart resumes its generation; without the record of what it shipped, the next
		// start can't prove continuity and begins a new one, as after a lost or rewritten file.
		Files.delete(primaryFile.resolveSibling(primaryFile.getFileName() + "-shipped"));
		List<Task> secondRunTasks = runPrimaryAndStop(primaryFile, replica, logs.resolve("a-2.log"), "second run", 5);
		List<String> afterSecondRun = generations(replica);
		assertThat(afterSecondRun).as("generations after the second run (each start begins one)")
			.hasSize(2)
			.startsWith(older);
		String newest = afterSecondRun.get(1);
		assertThat(newest).as("the second run's generation sorts after the first's").isGreaterThan(older);
		assertThat(secondRunTasks).extracting(Task::id)
			.as("ids of the second run's tasks")
			.allMatch((id) -> id > firstGenerationTasks.get(firstGenerationTasks.size() - 1).id());

		Path newestDirectory = replica.resolve("generations").resolve(newest);
		assertThat(names(newestDirectory.resolve("snapshots"))).as("snapshots of the newest generation %s", newest)
			.containsExactly(FIRST_SNAPSHOT);
		assertThat(names(newestDirectory.resolve("wal"))).as("log segments of the newest generation %s", newest)
			.isNotEmpty();
		deleteEverythingIn(newestDirectory.resolve("snapshots"));
		Map<String, String> replicaBefore = contents(replica);
		String missingSnapshot = "generations/" + newest + "/snapshots/" + FIRST_SNAPSHOT;

		// Without falling back: refused, rather than silently restoring the older generation.
		try (KiwiWorkProcess node = KiwiWorkProcess.start(nodeFile, logs.resolve("b.log"),
				primaryArguments(replica))) {
			String log = awaitRefused(node);
			assertThat(log).as("log of the refused node")
				.contains("Generation " + newest + " of file:" + replica.toAbsolutePath())
				.contains(missingSnapshot + " is missing")
				.contains("kiwi.db.replication.allow-older-generation")
				.doesNotContain("Restoring the older generation")
				.doesNotContain("Started KiwiWorkApplication");
		}
		assertNothingRestored(nodeDirectory, nodeFile);
		assertThat(contents(replica)).as("replica %s after the refused start", replica).isEqualTo(replicaBefore);

		// Falling back allowed: the older generation is restored, and what was skipped is logged.
		try (KiwiWorkProcess node = KiwiWorkProcess.start(nodeFile, logs.resolve("b-allow-older.log"),
				primaryArguments(replica, ALLOW_OLDER))) {
			KiwiWorkClient client = node.awaitHealthy(STARTUP_TIMEOUT);
			String warning = node.logText()
				.lines()
				.filter((line) -> line.contains("Restoring the older generation " + older))
				.findFirst()
				.orElseGet(() -> fail("The node did not log that it restores the older generation %s; log:%n%s", older,
						node.logTail()));
			assertThat(warning).as("the fallback's log line").contains("WARN").contains("skipped").contains(newest);
			assertThat(client.pending()).as("tasks of the node restored from the older generation %s", older)
				.isEqualTo(firstGenerationTasks);
			assertThat(node.stop()).as("exit status of the stopped node, log:%n%s", node.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(Sqlite3Shell.run(nodeFile, "SELECT count(*) FROM tasks;"))
			.as("tasks in the restored file, read by sqlite3")
			.isEqualTo(String.valueOf(firstGenerationTasks.size()));
	}

	@Test
	@Timeout(120)
	void aPrimaryKilledAndRestartedAtOnceOnItsOwnFileTakesItsOwnClaimWithoutWaitingForItToExpire()
			throws Exception {
		Path logs = LOGS.resolve("own-claim-after-crash");
		Path replica = this.tempDir.resolve("replica");
		Path primaryFile = this.tempDir.resolve("a").resolve("work.db");
		Path nodeId = primaryFile.resolveSibling("work.db-node-id");
		Path restoredFile = this.tempDir.resolve("c").resolve("work.db");
		List<Task> acknowledged = new ArrayList<>();
		String id;
		Claim claimAtCrash;

		try (KiwiWorkProcess primary = KiwiWorkProcess.start(primaryFile, logs.resolve("a.log"),
				primaryArguments(replica))) {
			KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 5; i++) {
				acknowledged.add(client.create("before the crash " + i));
			}
			id = readNodeId(nodeId);
			Claim claim = awaitClaim(replica, id);
			assertThat(claim.expires()).as("the live claim's expiry, claim %s", claim)
				.isAfter(Instant.now().plus(DEFAULT_LEASE_TIMEOUT).minus(Duration.ofSeconds(15)));
			assertThat(primary.kill()).as("exit status of the killed primary").isEqualTo(SIGKILL_EXIT_STATUS);
			claimAtCrash = readClaim(replica);
		}
		assertThat(claimAtCrash).as("the crashed primary's claim, left in the replica").isNotNull();
		assertThat(claimAtCrash.node()).as("node of the claim left by the crash").isEqualTo(id);
		assertThat(readNodeId(nodeId)).as("node id after the crash").isEqualTo(id);

		long restartedAt = System.nanoTime();
		try (KiwiWorkProcess primary = KiwiWorkProcess.start(primaryFile, logs.resolve("a-restarted.log"),
				primaryArguments(replica))) {
			KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);
			Duration toHealthy = Duration.ofNanos(System.nanoTime() - restartedAt);
			Instant healthyAt = Instant.now();
			assertThat(toHealthy).as("time from the restart to healthy, with the crashed claim live until %s; log:%n%s",
					claimAtCrash.expires(), primary.logTail())
				.isLessThan(Duration.ofSeconds(15));
			assertThat(healthyAt).as("healthy before the crashed claim expired, so it was taken over, not waited out")
				.isBefore(claimAtCrash.expires());
			assertThat(readNodeId(nodeId)).as("node id after the restart").isEqualTo(id);
			Claim claim = awaitClaim(replica, id);
			assertThat(claim.holder()).as("holder of the claim after the restart")
				.isNotEqualTo(claimAtCrash.holder());
			assertThat(client.pending()).as("tasks after the restart").isEqualTo(acknowledged);
			for (int i = 1; i <= 5; i++) {
				acknowledged.add(client.create("after the restart " + i));
			}
			assertThat(primary.stop()).as("exit status of the stopped primary, log:%n%s", primary.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(readClaim(replica)).as("claim after the clean stop (released)").isNull();
		assertThat(readNodeId(nodeId)).as("node id after the clean stop").isEqualTo(id);

		try (KiwiWorkProcess restored = KiwiWorkProcess.start(restoredFile, logs.resolve("c.log"),
				primaryArguments(replica))) {
			KiwiWorkClient client = restored.awaitHealthy(STARTUP_TIMEOUT);
			assertThat(restored.logText()).as("log of the node restored from the replica")
				.contains("Restored " + restoredFile.toAbsolutePath());
			assertThat(client.pending()).as("tasks restored from the replica: every acknowledged one")
				.isEqualTo(acknowledged);
			assertThat(restored.stop()).as("exit status of the restored node, log:%n%s", restored.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(readNodeId(restoredFile.resolveSibling("work.db-node-id"))).as("the restored node's own id")
			.isNotEqualTo(id);
	}

	@Test
	@Timeout(120)
	void aSecondPrimaryIsRefusedBeforeItRestoresAnythingWhileTheFirstHoldsTheClaim() throws Exception {
		Path logs = LOGS.resolve("second-primary");
		Path replica = this.tempDir.resolve("replica");
		Path primaryFile = this.tempDir.resolve("a").resolve("work.db");
		Path secondDirectory = Files.createDirectories(this.tempDir.resolve("b"));
		Path secondFile = secondDirectory.resolve("work.db");
		List<Task> acknowledged = new ArrayList<>();

		try (KiwiWorkProcess primary = KiwiWorkProcess.start(primaryFile, logs.resolve("a.log"),
				primaryArguments(replica))) {
			KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 5; i++) {
				acknowledged.add(client.create("before the second primary " + i));
			}
			awaitShipped(client);
			String id = readNodeId(primaryFile.resolveSibling("work.db-node-id"));
			Claim claim = awaitClaim(replica, id);
			List<String> generations = generations(replica);
			assertThat(generations).as("generations of the running primary").hasSize(1);

			try (KiwiWorkProcess second = KiwiWorkProcess.start(secondFile, logs.resolve("b.log"),
					primaryArguments(replica))) {
				String log = awaitRefused(second);
				assertThat(log).as("log of the refused second primary")
					.contains("APPLICATION FAILED TO START")
					.contains("is held by another primary: " + claim.holder())
					.contains("kiwi.db.replication.lease-timeout")
					.doesNotContain("Restored ")
					.doesNotContain("Started KiwiWorkApplication");
			}
			assertNothingRestored(secondDirectory, secondFile);
			assertThat(generations(replica)).as("generations after the refused second primary").isEqualTo(generations);
			Claim after = readClaim(replica);
			assertThat(after).as("claim after the refused second primary").isNotNull();
			assertThat(after.node()).as("node holding the claim after the refused second primary").isEqualTo(id);
			assertThat(after.holder()).as("holder of the claim after the refused second primary")
				.isEqualTo(claim.holder());

			acknowledged.add(client.create("after the second primary was refused"));
			awaitShipped(client);
			assertThat(client.pending()).as("tasks on the first primary").isEqualTo(acknowledged);
			assertThat(client.health().path("status").asString()).as("health of the first primary").isEqualTo("UP");
			assertThat(primary.stop()).as("exit status of the stopped primary, log:%n%s", primary.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(Sqlite3Shell.run(primaryFile, "SELECT count(*) FROM tasks;")).as("tasks in the first primary's file")
			.isEqualTo(String.valueOf(acknowledged.size()));
	}

	/** Starts a primary, creates {@code count} tasks, stops it cleanly (which ships everything). */
	private static List<Task> runPrimaryAndStop(Path database, Path replica, Path log, String title, int count)
			throws Exception {
		List<Task> tasks = new ArrayList<>();
		try (KiwiWorkProcess primary = KiwiWorkProcess.start(database, log, primaryArguments(replica))) {
			KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= count; i++) {
				tasks.add(client.create(title + " " + i));
			}
			assertThat(primary.stop()).as("exit status of the stopped primary, log:%n%s", primary.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		return tasks;
	}

	private static List<String> primaryArguments(Path replica, String... more) {
		List<String> arguments = new ArrayList<>(List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=file:" + replica.toAbsolutePath(), "--kiwi.db.replication.sync-interval=200ms"));
		arguments.addAll(List.of(more));
		return arguments;
	}

	/** Waits for a node whose startup must fail, and returns its log. */
	private static String awaitRefused(KiwiWorkProcess node) throws InterruptedException {
		int status = node.awaitExit(EXIT_TIMEOUT);
		String log = node.logText();
		assertThat(status).as("exit status of the node that must refuse to start; log:%n%s", log).isNotZero();
		return log;
	}

	private static void assertNothingRestored(Path directory, Path database) throws IOException {
		assertThat(database).as("database file of the refused node").doesNotExist();
		assertThat(names(directory)).as("files in the refused node's directory %s", directory).isEmpty();
	}

	private static void awaitShipped(KiwiWorkClient primary) throws Exception {
		long deadline = System.nanoTime() + SHIPPING_DEADLINE.toNanos();
		JsonNode replication = replication(primary);
		while (replication.path("pendingTransactions").asInt(-1) != 0) {
			if (System.nanoTime() > deadline) {
				fail("The primary did not ship its transactions within %s: %s", SHIPPING_DEADLINE, replication);
			}
			Thread.sleep(50);
			replication = replication(primary);
		}
	}

	private static JsonNode replication(KiwiWorkClient client) throws IOException {
		JsonNode health = client.health();
		JsonNode replication = health.path("components").path("kiwiDb").path("details").path("replication");
		assertThat(replication.isObject()).as("kiwiDb replication details in %s", health).isTrue();
		return replication;
	}

	/** Waits until the replica's claim names {@code node} and expires in the future. */
	private static Claim awaitClaim(Path replica, String node) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Claim claim = readClaim(replica);
		while (claim == null || !node.equals(claim.node()) || !claim.expires().isAfter(Instant.now())) {
			if (System.nanoTime() > deadline) {
				fail("The replica's claim did not name node %s with a future expiry within 10s: %s", node, claim);
			}
			Thread.sleep(50);
			claim = readClaim(replica);
		}
		return claim;
	}

	/** The primary's claim on the replica, or {@code null} when there is none. */
	private static Claim readClaim(Path replica) throws IOException {
		Path lease = replica.resolve("kiwi").resolve("primary.lease");
		if (!Files.exists(lease)) {
			return null;
		}
		String holder = null;
		String node = null;
		Instant expires = null;
		for (String line : Files.readAllLines(lease, StandardCharsets.UTF_8)) {
			if (line.startsWith("holder=")) {
				holder = line.substring("holder=".length());
			}
			else if (line.startsWith("node=")) {
				node = line.substring("node=".length()).trim();
			}
			else if (line.startsWith("expires=")) {
				expires = Instant.parse(line.substring("expires=".length()).trim());
			}
		}
		assertThat(expires).as("expiry in the claim %s", lease).isNotNull();
		return new Claim(holder, node, expires);
	}

	/** The node id beside a database: a UUID in an owner-only file. */
	private static String readNodeId(Path file) throws IOException {
		assertThat(file).as("node id file").isRegularFile();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("mode of %s", file)
			.isEqualTo("rw-------");
		String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
		assertThat(id).as("content of %s", file)
			.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
		return id;
	}

	/** The replica's generations, oldest first (kiwi-db's names sort by age). */
	private static List<String> generations(Path replica) throws IOException {
		return names(replica.resolve("generations"));
	}

	/** The names in a directory, sorted; none when it does not exist. */
	private static List<String> names(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.map((entry) -> entry.getFileName().toString()).sorted().toList();
		}
	}

	private static void deleteEverythingIn(Path directory) throws IOException {
		for (String name : names(directory)) {
			Files.delete(directory.resolve(name));
		}
		assertThat(names(directory)).as("files left in %s", directory).isEmpty();
	}

	/** Every file under {@code root}, by relative path, with the SHA-256 of its content. */
	private static Map<String, String> contents(Path root) throws IOException {
		Map<String, String> contents = new TreeMap<>();
		try (Stream<Path> files = Files.walk(root)) {
			files.filter(Files::isRegularFile).forEach((file) -> {
				try {
					byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
					contents.put(root.relativize(file).toString(), HexFormat.of().formatHex(digest));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				catch (NoSuchAlgorithmException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
		return contents;
	}

	/** The primary's claim on a replica, as written in {@code kiwi/primary.lease}. */
	private record Claim(String holder, String node, Instant expires) {
	}

}
