package io.kiwistack.work;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.kiwistack.db.testsupport.Command;
import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work with replication on, its database on a small tmpfs, in a JVM of its own.
 * <ul>
 * <li>The database's disk fills up while the replicator owns the checkpoints: writes fail, and once
 * space returns they succeed again within a sync interval, the log is checkpointed and cut back
 * (a failing checkpoint does not fail the sync and back off), a clean stop leaves a whole file,
 * and the replica restores every acknowledged task.</li>
 * <li>A primary starts replicating a database that is larger than the space left beside it: the
 * snapshot is streamed into the replica, never staged beside the database.</li>
 * </ul>
 * The tests mount tmpfs file systems, so they need root (or {@code CAP_SYS_ADMIN}); they fail,
 * not skip, without. Logs of the forked JVMs are in {@code target/disk-full-replication-tests/}.
 */
class KiwiWorkDiskFullReplicationTests {

	private static final Path LOGS = Path.of("target", "disk-full-replication-tests");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(40);

	private static final Duration SYNC_INTERVAL = Duration.ofMillis(200);

	/** A write must succeed this soon after space returns: a sync interval, and margin. */
	private static final Duration WRITE_HEALS_WITHIN = Duration.ofSeconds(1);

	/**
	 * The log must be checkpointed and cut back this soon after space returns: a few sync
	 * intervals. A sync that failed with its checkpoint backed off to 16 and 32 intervals (3.2 s,
	 * 6.4 s) after 3 s of a full disk.
	 */
	private static final Duration LOG_SHRINKS_WITHIN = Duration.ofSeconds(3);

	/** Below this the log was cut back to {@code journal_size_limit} (4 MB) after a checkpoint. */
	private static final long SHRUNK_WAL_BYTES = 5L * 1024 * 1024;

	private static final int SIGTERM_EXIT_STATUS = 128 + 15;

	private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz     ";

	/** What a stored database holds beside its file, and nothing else should appear there. */
	private static final Set<String> EXPECTED_BESIDE_DATABASE = Set.of("work.db", "work.db-wal", "work.db-shm",
			"work.db-node-id", "work.db-shipped");

	/** The node id file (a few bytes) is written through a temporary file the first time a primary starts. */
	private static final Pattern NODE_ID_STAGING = Pattern
		.compile("\\.work\\.db-(node-id\\.kiwi-node-id|shipped\\.kiwi-record)-[0-9a-f-]{36}\\.tmp");

	@TempDir
	Path tempDir;

	private final List<KiwiWorkProcess> processes = new ArrayList<>();

	private final List<Path> mounts = new ArrayList<>();

	private final SplittableRandom random = new SplittableRandom(20261125L);

	/** Kills what is still running (it holds files on the tmpfs), then unmounts, also after a failure. */
	@AfterEach
	void killAndUnmount() throws Exception {
		for (KiwiWorkProcess process : this.processes) {
			process.close();
		}
		List<String> problems = new ArrayList<>();
		for (int i = this.mounts.size() - 1; i >= 0; i--) {
			Path mount = this.mounts.get(i);
			String result = run("umount", mount.toString());
			if (result != null) {
				String lazy = run("umount", "-l", mount.toString());
				if (lazy != null) {
					problems.add(mount + ": " + result + "; lazy: " + lazy);
				}
			}
		}
		assertThat(problems).as("tmpfs file systems that could not be unmounted").isEmpty();
	}

	@Test
	@Timeout(120)
	void aFullDatabaseDiskWithReplicationOnHealsWithinASyncIntervalOnceSpaceReturns() throws Exception {
		Path disk = mountTmpfs(this.tempDir.resolve("disk"), "8m");
		Path database = disk.resolve("work.db");
		Path wal = disk.resolve("work.db-wal");
		Path replica = this.tempDir.resolve("replica");
		Map<Long, String> acknowledged = new LinkedHashMap<>();

		KiwiWorkProcess primary = start(database, "full-disk-primary.log", replicationArguments(replica));
		KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);

		// Fill the disk: the log grows, checkpoints grow the file, until a write fails.
		long fillStarted = System.nanoTime();
		HttpResponse<String> firstRefusal = null;
		while (firstRefusal == null) {
			if (System.nanoTime() - fillStarted > TimeUnit.SECONDS.toNanos(45)) {
				fail("No write failed after %d tasks in 45 s; disk: %s, log:%n%s", acknowledged.size(),
						diskUsage(disk), primary.logTail());
			}
			HttpResponse<String> response = client.postTask(randomTitle(2000, 4000));
			if (response.statusCode() == 201) {
				Task task = KiwiWorkClient.task(response);
				acknowledged.put(task.id(), task.title());
			}
			else {
				assertThat(response.statusCode()).as("status of a write on a full disk: %s", response.body())
					.isGreaterThanOrEqualTo(500);
				firstRefusal = response;
			}
		}
		long fillMillis = millisSince(fillStarted);
		int acknowledgedBeforeFull = acknowledged.size();
		System.out.printf("[disk-full] filled in %d ms: %d tasks acknowledged, first refusal %d %s; %s%n", fillMillis,
				acknowledgedBeforeFull, firstRefusal.statusCode(), abbreviate(firstRefusal.body()), diskUsage(disk));

		// While the disk stays full: writes keep failing (or a small one fits now and then).
		long fullStarted = System.nanoTime();
		int refusedWhileFull = 1;
		int acknowledgedWhileFull = 0;
		while (System.nanoTime() - fullStarted < TimeUnit.SECONDS.toNanos(3)) {
			HttpResponse<String> response = client.postTask(randomTitle(2000, 4000));
			if (response.statusCode() == 201) {
				Task task = KiwiWorkClient.task(response);
				acknowledged.put(task.id(), task.title());
				acknowledgedWhileFull++;
			}
			else {
				assertThat(response.statusCode()).as("status of a write on a full disk: %s", response.body())
					.isGreaterThanOrEqualTo(500);
				refusedWhileFull++;
			}
			Thread.sleep(20);
		}
		JsonNode kiwiDbWhileFull = kiwiDb(client);
		long walWhileFull = sizeOf(wal);
		WalHeader headerWhileFull = WalHeader.read(wal);
		System.out.printf("[disk-full] 3 s on the full disk: %d writes refused, %d acknowledged; -wal %d bytes (%s), "
				+ "database %d bytes; %s%n  kiwiDb health while full: %s%n", refusedWhileFull, acknowledgedWhileFull,
				walWhileFull, headerWhileFull, sizeOf(database), diskUsage(disk), abbreviate(kiwiDbWhileFull.toString()));
		assertThat(primary.logText()).as("the writes failed for lack of space")
			.containsAnyOf("SQLITE_FULL", "database or disk is full");
		assertThat(kiwiDbWhileFull.path("status").asString()).as("kiwiDb health while full: %s", kiwiDbWhileFull)
			.isEqualTo("DOWN");
		assertThat(kiwiDbWhileFull.path("details").path("error").asString()).as("kiwiDb health while full")
			.contains("SQLITE_FULL");
		// Shipping goes on while the checkpoint fails: no sync failed, nothing is pending.
		JsonNode replicationWhileFull = kiwiDbWhileFull.path("details").path("replication");
		assertThat(replicationWhileFull.has("lastError")).as("replication error while full: %s", replicationWhileFull)
			.isFalse();
		assertThat(replicationWhileFull.path("pendingTransactions").asInt(-1))
			.as("pending transactions while full: %s", replicationWhileFull)
			.isZero();
		assertThat(primary.logText()).as("syncs failed while the disk was full").doesNotContain("failed (attempt");

		// Space returns.
		remountTmpfs(disk, "64m");
		long freedAt = System.nanoTime();
		long firstWriteMillis = -1;
		int refusedAfterFreeing = 0;
		while (firstWriteMillis < 0 && System.nanoTime() - freedAt < TimeUnit.SECONDS.toNanos(10)) {
			HttpResponse<String> response = client.postTask(randomTitle(2000, 4000));
			if (response.statusCode() == 201) {
				firstWriteMillis = millisSince(freedAt);
				Task task = KiwiWorkClient.task(response);
				acknowledged.put(task.id(), task.title());
			}
			else {
				refusedAfterFreeing++;
				Thread.sleep(10);
			}
		}
		System.out.printf("[disk-full] space returned: first write acknowledged after %d ms (%d refused before it)%n",
				firstWriteMillis, refusedAfterFreeing);
		assertThat(firstWriteMillis).as("ms until a write succeeded once space returned (-1: none in 10 s); log:%n%s",
				primary.logTail())
			.isNotNegative()
			.isLessThanOrEqualTo(WRITE_HEALS_WITHIN.toMillis());

		for (int i = 0; i < 50; i++) {
			Task task = client.create(randomTitle(2000, 4000));
			acknowledged.put(task.id(), task.title());
		}

		// The log is checkpointed at a sync and cut back once it restarts at the next write.
		long shrunkMillis = -1;
		WalHeader headerAfter = null;
		int writesWhileShrinking = 0;
		while (System.nanoTime() - freedAt < TimeUnit.SECONDS.toNanos(15)) {
			headerAfter = WalHeader.read(wal);
			if (sizeOf(wal) < SHRUNK_WAL_BYTES && headerAfter != null && !headerAfter.sameLogAs(headerWhileFull)) {
				shrunkMillis = millisSince(freedAt);
				break;
			}
			Task task = client.create(randomTitle(2000, 4000));
			acknowledged.put(task.id(), task.title());
			writesWhileShrinking++;
			Thread.sleep(100);
		}
		System.out.printf("[disk-full] -wal %d bytes (%s) %d ms after space returned, %d writes in between; "
				+ "before: %d bytes (%s); database %d bytes%n", sizeOf(wal), headerAfter, millisSince(freedAt),
				writesWhileShrinking, walWhileFull, headerWhileFull, sizeOf(database));
		assertThat(shrunkMillis).as("ms until the -wal was checkpointed and cut back below %d bytes (-1: not in 15 s); "
				+ "log:%n%s", SHRUNK_WAL_BYTES, primary.logTail())
			.isNotNegative()
			.isLessThanOrEqualTo(LOG_SHRINKS_WITHIN.toMillis());

		// Health is UP again and everything acknowledged is shipped.
		JsonNode kiwiDb = awaitShipped(client, Duration.ofSeconds(5));
		assertThat(kiwiDb.path("status").asString()).as("kiwiDb health after space returned: %s", kiwiDb)
			.isEqualTo("UP");
		assertThat(kiwiDb.path("details").path("replication").has("lastError"))
			.as("replication error after space returned: %s", kiwiDb)
			.isFalse();

		long stopStarted = System.nanoTime();
		assertThat(primary.stop()).as("exit status of the stopped primary, log:%n%s", primary.logTail())
			.isIn(0, SIGTERM_EXIT_STATUS);
		long stopMillis = millisSince(stopStarted);
		String primaryLog = primary.logText();
		System.out.printf("[disk-full] clean stop in %d ms; left beside the database: -wal %s, %s%n", stopMillis,
				Files.exists(wal) ? sizeOf(wal) + " bytes" : "none", diskUsage(disk));
		System.out.printf("[disk-full] checkpoint warnings logged: %d, sync failures logged: %d%n",
				count(primaryLog, "Could not checkpoint"), count(primaryLog, "failed (attempt"));
		assertThat(primaryLog).as("the clean stop checkpointed the log").doesNotContain("with its write-ahead log kept");

		assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).as("integrity of the primary's file")
			.isEqualTo("ok");
		Map<Long, String> inFile = Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(database, "SELECT id, title FROM tasks;"));
		assertThat(inFile).as("tasks in the primary's file").containsAllEntriesOf(acknowledged);

		Map<Long, String> restored = restore(replica, "full-disk-restore");
		assertThat(restored).as("tasks restored from the replica").containsAllEntriesOf(acknowledged).isEqualTo(inFile);
		System.out.printf("[disk-full] acknowledged %d tasks (%d before the disk was full, %d while full), "
				+ "%d in the file, %d restored%n", acknowledged.size(), acknowledgedBeforeFull, acknowledgedWhileFull,
				inFile.size(), restored.size());
	}

	@Test
	@Timeout(120)
	void aPrimaryStartsReplicatingFromANearlyFullDiskWithoutStagingItsSnapshot() throws Exception {
		Path disk = mountTmpfs(this.tempDir.resolve("disk"), "64m");
		Path database = disk.resolve("work.db");
		Path replica = this.tempDir.resolve("replica");
		Map<Long, String> acknowledged = new LinkedHashMap<>();

		// An 8 MB database, made without replication and stopped cleanly.
		KiwiWorkProcess creator = start(database, "nearly-full-create.log", List.of());
		KiwiWorkClient creatorClient = creator.awaitHealthy(STARTUP_TIMEOUT);
		long titleBytes = 0;
		while (titleBytes < 8L * 1024 * 1024) {
			Task task = creatorClient.create(randomTitle(3000, 4000));
			acknowledged.put(task.id(), task.title());
			titleBytes += task.title().length();
		}
		assertThat(creator.stop()).as("exit status of the creating node, log:%n%s", creator.logTail())
			.isIn(0, SIGTERM_EXIT_STATUS);
		long databaseSize = Files.size(database);

		remountTmpfs(disk, "12m");
		FileStore store = Files.getFileStore(disk);
		System.out.printf("[nearly-full] database %d bytes (%d tasks), -wal %s; %s%n", databaseSize,
				acknowledged.size(), Files.exists(database.resolveSibling("work.db-wal")) ? "left" : "none",
				diskUsage(disk));
		assertThat(store.getUsableSpace()).as("space left beside the database, smaller than the database")
			.isLessThan(databaseSize);

		// Start replicating, watching what appears beside the database meanwhile.
		Files.createDirectories(replica);
		KiwiWorkProcess primary;
		JsonNode replication;
		String generation;
		Set<String> seenBeside;
		long startedAt = System.nanoTime();
		try (DirectoryWatch watch = DirectoryWatch.start(disk)) {
			primary = start(database, "nearly-full-primary.log", replicationArguments(replica));
			KiwiWorkClient client = primary.awaitHealthy(STARTUP_TIMEOUT);
			long healthyMillis = millisSince(startedAt);
			generation = awaitGeneration(client, Duration.ofSeconds(10));
			Path snapshot = replica.resolve("generations").resolve(generation).resolve("snapshots")
				.resolve("00000000.snapshot.lz4");
			Path digest = replica.resolve("generations").resolve(generation).resolve("kiwi")
				.resolve("00000000.snapshot.xxh64");
			awaitFile(snapshot, Duration.ofSeconds(5));
			awaitFile(digest, Duration.ofSeconds(5));
			System.out.printf("[nearly-full] healthy after %d ms; generation %s: snapshot %d bytes, digest %d bytes%n",
					healthyMillis, generation, Files.size(snapshot), Files.size(digest));

			Task task = client.create(randomTitle(2000, 4000));
			acknowledged.put(task.id(), task.title());
			Thread.sleep(1_000);
			replication = kiwiDb(client).path("details").path("replication");
			assertThat(replication.path("pendingTransactions").asInt(-1))
				.as("pending transactions 1 s after a write: %s", replication)
				.isZero();
			assertThat(replication.has("lastError")).as("replication error: %s", replication).isFalse();
			seenBeside = watch.seen();
		}
		System.out.printf("[nearly-full] names seen beside the database while it started and shipped: %s; %s%n",
				seenBeside, diskUsage(disk));
		List<String> staged = seenBeside.stream()
			.filter((name) -> !EXPECTED_BESIDE_DATABASE.contains(name) && !NODE_ID_STAGING.matcher(name).matches())
			.toList();
		assertThat(staged).as("files other than the database's own that appeared beside it (all seen: %s)", seenBeside)
			.isEmpty();

		assertThat(primary.stop()).as("exit status of the primary, log:%n%s", primary.logTail())
			.isIn(0, SIGTERM_EXIT_STATUS);
		assertThat(primary.logText()).as("the primary's log").doesNotContain("failed (attempt", "Could not checkpoint");
		assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).isEqualTo("ok");
		Map<Long, String> inFile = Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(database, "SELECT id, title FROM tasks;"));
		assertThat(inFile).as("tasks in the primary's file").containsAllEntriesOf(acknowledged);

		Map<Long, String> restored = restore(replica, "nearly-full-restore");
		assertThat(restored).as("tasks restored from the replica").containsAllEntriesOf(acknowledged).isEqualTo(inFile);
		System.out.printf("[nearly-full] %d tasks acknowledged, %d in the file, %d restored%n", acknowledged.size(),
				inFile.size(), restored.size());
	}

	private KiwiWorkProcess start(Path database, String log, List<String> arguments) throws IOException {
		List<String> all = new ArrayList<>(arguments);
		// Boot's diskSpace indicator wants 10 MB free: more than these small disks ever have.
		all.add("--management.health.diskspace.threshold=64KB");
		KiwiWorkProcess process = KiwiWorkProcess.start(database, LOGS.resolve(log), all);
		this.processes.add(process);
		return process;
	}

	/** Starts a fresh node on a missing file and the replica, stops it, and reads its tasks. */
	private Map<Long, String> restore(Path replica, String name) throws Exception {
		Path restoredFile = this.tempDir.resolve(name).resolve("work.db");
		Files.createDirectories(restoredFile.getParent());
		long started = System.nanoTime();
		KiwiWorkProcess node = start(restoredFile, name + ".log", replicationArguments(replica));
		node.awaitHealthy(STARTUP_TIMEOUT);
		long healthyMillis = millisSince(started);
		assertThat(node.stop()).as("exit status of the restored node, log:%n%s", node.logTail())
			.isIn(0, SIGTERM_EXIT_STATUS);
		assertThat(Sqlite3Shell.run(restoredFile, "PRAGMA integrity_check;")).as("integrity of the restored file")
			.isEqualTo("ok");
		System.out.printf("[%s] restored node healthy after %d ms%n", name, healthyMillis);
		return Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(restoredFile, "SELECT id, title FROM tasks;"));
	}

	private static List<String> replicationArguments(Path replica) {
		return List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=file:" + replica.toAbsolutePath(),
				"--kiwi.db.replication.sync-interval=" + SYNC_INTERVAL.toMillis() + "ms",
				"--kiwi.db.replication.lease-timeout=6s");
	}

	private Path mountTmpfs(Path dir, String size) throws Exception {
		Files.createDirectories(dir);
		String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString());
		if (failure != null) {
			fail("These tests mount a tmpfs for the database and need root or CAP_SYS_ADMIN, which this environment "
					+ "does not give: mount -t tmpfs -o size=%s tmpfs %s failed: %s", size, dir, failure);
		}
		this.mounts.add(dir);
		assertThat(Files.getFileStore(dir).type()).as("file system mounted on %s", dir).isEqualTo("tmpfs");
		return dir;
	}

	private static void remountTmpfs(Path dir, String size) throws Exception {
		String failure = run("mount", "-o", "remount,size=" + size, dir.toString());
		if (failure != null) {
			fail("mount -o remount,size=%s %s failed: %s", size, dir, failure);
		}
	}

	/** Runs a command; returns null when it succeeded, else what went wrong. */
	private static String run(String... command) throws IOException, InterruptedException {
		return Command.run(Duration.ofSeconds(30), command).failure();
	}

	private String randomTitle(int minLength, int maxLength) {
		int length = this.random.nextInt(minLength, maxLength + 1);
		StringBuilder title = new StringBuilder(length);
		title.append('t');
		while (title.length() < length - 1) {
			title.append(LETTERS.charAt(this.random.nextInt(LETTERS.length())));
		}
		return title.append('.').toString();
	}

	private static JsonNode kiwiDb(KiwiWorkClient client) throws IOException {
		JsonNode health = client.health();
		JsonNode kiwiDb = health.path("components").path("kiwiDb");
		assertThat(kiwiDb.isObject()).as("kiwiDb health component in %s", health).isTrue();
		return kiwiDb;
	}

	/** Waits until the primary reports nothing pending; returns its kiwiDb health component. */
	private static JsonNode awaitShipped(KiwiWorkClient client, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode kiwiDb = kiwiDb(client);
		while (kiwiDb.path("details").path("replication").path("pendingTransactions").asInt(-1) != 0
				|| !"UP".equals(kiwiDb.path("status").asString())) {
			if (System.nanoTime() > deadline) {
				fail("The primary did not ship everything and report UP within %s: %s", timeout, kiwiDb);
			}
			Thread.sleep(50);
			kiwiDb = kiwiDb(client);
		}
		return kiwiDb;
	}

	/** Waits until the primary's first sync started a generation (its snapshot is then in the replica). */
	private static String awaitGeneration(KiwiWorkClient client, Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode replication = kiwiDb(client).path("details").path("replication");
		while (!replication.hasNonNull("generation")) {
			if (System.nanoTime() > deadline) {
				fail("The primary started no generation within %s: %s", timeout, replication);
			}
			Thread.sleep(20);
			replication = kiwiDb(client).path("details").path("replication");
		}
		return replication.path("generation").asString();
	}

	private static void awaitFile(Path file, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Files.isRegularFile(file)) {
			if (System.nanoTime() > deadline) {
				fail("%s did not appear within %s", file, timeout);
			}
			Thread.sleep(20);
		}
	}

	private static String diskUsage(Path disk) throws IOException {
		FileStore store = Files.getFileStore(disk);
		StringBuilder files = new StringBuilder();
		try (Stream<Path> entries = Files.list(disk)) {
			for (Path entry : entries.sorted().toList()) {
				files.append(' ').append(entry.getFileName()).append('=').append(sizeOf(entry));
			}
		}
		return "tmpfs " + store.getTotalSpace() + " bytes, " + store.getUsableSpace() + " free;" + files;
	}

	private static long sizeOf(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static long millisSince(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	private static String abbreviate(String text) {
		return (text.length() <= 600) ? text : text.substring(0, 600) + "...";
	}

	/**
	 * The fields of a {@code -wal} file's header that change when SQLite restarts the log after a
	 * complete checkpoint.
	 */
	private record WalHeader(int checkpointSequence, int salt1, int salt2) {

		static WalHeader read(Path wal) throws IOException {
			if (!Files.exists(wal)) {
				return null;
			}
			byte[] bytes;
			try (InputStream in = Files.newInputStream(wal)) {
				bytes = in.readNBytes(32);
			}
			if (bytes.length < 32) {
				return null;
			}
			ByteBuffer header = ByteBuffer.wrap(bytes);
			return new WalHeader(header.getInt(12), header.getInt(16), header.getInt(20));
		}

		boolean sameLogAs(WalHeader other) {
			return other != null && this.salt1 == other.salt1 && this.salt2 == other.salt2;
		}

		@Override
		public String toString() {
			return "log #" + Integer.toUnsignedString(this.checkpointSequence) + ", salts "
					+ Integer.toHexString(this.salt1) + "/" + Integer.toHexString(this.salt2);
		}

	}

	/**
	 * Every name that appears in a directory: inotify events (which catch files that live for a
	 * moment) and a listing every few milliseconds besides.
	 */
	private static final class DirectoryWatch implements AutoCloseable {

		private final Set<String> seen = new ConcurrentSkipListSet<>();

		private final WatchService watchService;

		private final Thread eventReader;

		private final Thread lister;

		private volatile boolean closed;

		private DirectoryWatch(Path dir) throws IOException {
			this.watchService = dir.getFileSystem().newWatchService();
			dir.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
			this.eventReader = new Thread(this::readEvents, "watch-" + dir.getFileName());
			this.lister = new Thread(() -> list(dir), "list-" + dir.getFileName());
			this.eventReader.setDaemon(true);
			this.lister.setDaemon(true);
		}

		static DirectoryWatch start(Path dir) throws IOException {
			DirectoryWatch watch = new DirectoryWatch(dir);
			try (Stream<Path> entries = Files.list(dir)) {
				entries.forEach((entry) -> watch.seen.add(entry.getFileName().toString()));
			}
			watch.eventReader.start();
			watch.lister.start();
			return watch;
		}

		private void readEvents() {
			try {
				while (!this.closed) {
					WatchKey key = this.watchService.take();
					for (WatchEvent<?> event : key.pollEvents()) {
						if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
							this.seen.add("(inotify overflow)");
						}
						else if (event.context() instanceof Path name) {
							this.seen.add(name.toString());
						}
					}
					key.reset();
				}
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				// Closed.
			}
		}

		private void list(Path dir) {
			while (!this.closed) {
				try (Stream<Path> entries = Files.list(dir)) {
					entries.forEach((entry) -> this.seen.add(entry.getFileName().toString()));
				}
				catch (IOException | RuntimeException ex) {
					// A file removed while listed; the next round sees the rest.
				}
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		Set<String> seen() {
			return new TreeSet<>(this.seen);
		}

		@Override
		public void close() throws Exception {
			this.closed = true;
			this.watchService.close();
			this.lister.join(1_000);
			this.eventReader.join(1_000);
		}

	}

}
