package io.kiwistack.work;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.kiwistack.db.replication.RestoreResult;
import io.kiwistack.db.replication.ReplicaRestore;
import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.kiwistack.work.KiwiWorkClient.titlesById;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * Drills of issue 11, defect 5 ("a SIGKILL during the startup snapshot or a startup restore leaves a
 * database-sized temporary file each time"), with Kiwi Work in JVMs of its own on a database of
 * about 48 MiB (incompressible blobs added with {@code sqlite3} to a Kiwi Work database).
 * <ul>
 * <li>Restore: a node starting on a missing file restores it from a directory replica; it is
 * killed with SIGKILL three times while its temporary file {@code .work.db.kiwi-restore-<uuid>.tmp}
 * is there. Each start removes the one the last kill left, so there is never more than one, and
 * the start that is let finish leaves none, with every task of the replica.</li>
 * <li>Startup snapshot: a primary starting on that database with an empty replica streams its
 * snapshot straight into the replica, never beside the database; it is killed with SIGKILL three
 * times while {@code generations/<gen>/snapshots/.00000000.snapshot.lz4.<uuid>.tmp} is there. Each
 * restart, recognising its own claim, removes the one the last kill left; the start let finish
 * leaves no temporary file in either directory, and the replica restores.</li>
 * </ul>
 * Logs of the forked JVMs are in {@code target/temporary-files-tests/}.
 */
class KiwiWorkTemporaryFilesTests {

	private static final Path LOGS = Path.of("target", "temporary-files-tests");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(40);

	private static final int SIGKILL_EXIT_STATUS = 128 + 9;

	private static final int SIGTERM_EXIT_STATUS = 128 + 15;

	private static final int KILLS = 3;

	/** Rows of 64 KiB of random bytes: 48 MiB that LZ4 can't shrink. */
	private static final int BALLAST_ROWS = 768;

	/** How often a drill that missed the temporary file may grow the database and try again. */
	private static final int MAX_GROWTHS = 2;

	private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

	/** A restore's temporary file beside {@code work.db}, without SQLite's companions. */
	private static final Pattern RESTORE_TEMPORARY = Pattern.compile("\\.work\\.db\\.kiwi-restore-" + UUID + "\\.tmp");

	/** A snapshot being written into a directory replica. */
	private static final Pattern SNAPSHOT_TEMPORARY = Pattern.compile("\\.00000000\\.snapshot\\.lz4\\." + UUID + "\\.tmp");

	/** Anything a {@code file:} replica stages. */
	private static final Pattern REPLICA_TEMPORARY = Pattern.compile("\\..+\\." + UUID + "\\.tmp");

	/** The node id's temporary file: a few bytes, written once, at the first start with replication. */
	/** The node id and the shipped record are small files, each written through a temporary file beside it. */
	private static final Pattern NODE_ID_TEMPORARY = Pattern
		.compile("\\.work\\.db-(node-id\\.kiwi-node-id|shipped\\.kiwi-record)-" + UUID + "\\.tmp");

	private static final Set<String> DATABASE_FILES = Set.of("work.db", "work.db-wal", "work.db-shm", "work.db-node-id",
			"work.db-shipped");

	@TempDir
	static Path shared;

	/** A Kiwi Work database (schema migrated, a few tasks) with the ballast table, never replicated. */
	private static Path base;

	private static Map<Long, String> baseTasks;

	@TempDir
	Path tempDir;

	@BeforeAll
	static void createLargeDatabase() throws Exception {
		base = Files.createDirectories(shared.resolve("base")).resolve("work.db");
		try (KiwiWorkProcess service = KiwiWorkProcess.start(base, LOGS.resolve("base.log"))) {
			KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 10; i++) {
				client.create("in the large database " + i);
			}
			baseTasks = titlesById(client.pending());
			assertThat(service.stop()).as("exit status of the base service, log:%n%s", service.logTail())
				.isIn(0, SIGTERM_EXIT_STATUS);
		}
		addBallast(base, BALLAST_ROWS);
		try (Stream<Path> files = Files.list(base.getParent())) {
			assertThat(files.map((file) -> file.getFileName().toString()).toList()).as("files of the base database")
				.containsExactly("work.db");
		}
		System.out.printf("base database: %d bytes%n", Files.size(base));
	}

	@Test
	@Timeout(150)
	void aRestoreKilledMidwayLeavesOneTemporaryFileThatTheNextStartRemoves() throws Exception {
		Path replica = this.tempDir.resolve("replica");
		Path fileA = Files.createDirectories(this.tempDir.resolve("a")).resolve("work.db");
		Path directoryB = Files.createDirectories(this.tempDir.resolve("b"));
		Path fileB = directoryB.resolve("work.db");
		Files.copy(base, fileA);
		int ballastRows = BALLAST_ROWS;
		Map<Long, String> tasks = replicate(fileA, replica, "restore-a.log");

		Path previous = null;
		int growths = 0;
		for (int kill = 1; kill <= KILLS;) {
			String log = "restore-b-killed-" + kill + (growths > 0 ? "-grown-" + growths : "") + ".log";
			try (KiwiWorkProcess b = KiwiWorkProcess.start(fileB, LOGS.resolve(log), primaryArguments(replica))) {
				long startedAt = System.nanoTime();
				Optional<Path> seen = awaitAppearing(directoryB, RESTORE_TEMPORARY, previous, killAtSize(kill), b,
						() -> Files.exists(fileB));
				if (seen.isEmpty()) {
					// The restore finished before a poll saw its temporary file: grow the database, retry.
					System.out.printf("kill %d: the restore finished unseen; growing the database%n", kill);
					b.awaitHealthy(STARTUP_TIMEOUT);
					assertThat(b.stop()).as("exit status of B").isIn(0, SIGTERM_EXIT_STATUS);
					growths++;
					assertThat(growths)
						.as("times the restore finished before its temporary file was seen, at %d rows of ballast",
								ballastRows)
						.isLessThanOrEqualTo(MAX_GROWTHS);
					deleteFilesIn(directoryB);
					addBallast(fileA, ballastRows);
					ballastRows *= 2;
					tasks = replicate(fileA, replica, "restore-a-grown-" + growths + ".log");
					continue;
				}
				long seenAfter = (System.nanoTime() - startedAt) / 1_000_000;
				assertThat(b.kill()).as("exit status of B killed while restoring").isEqualTo(SIGKILL_EXIT_STATUS);
				Path temporary = seen.get();
				String name = temporary.getFileName().toString();
				List<String> left = names(directoryB);
				System.out.printf("kill %d: %s seen %d ms after the start; after the kill %s holds %s (%d bytes)%n", kill,
						name, seenAfter, directoryB, left, Files.exists(temporary) ? Files.size(temporary) : -1);
				assertThat(left).as("what B killed while restoring left beside its database")
					.contains(name)
					.allSatisfy((file) -> assertThat(file).matches(Pattern.quote(name) + "(-wal|-shm|-journal)?"));
				if (previous != null) {
					assertThat(b.logText()).as("log of the start after kill %d: it removed what that kill left", kill - 1)
						.contains("Removed ")
						.contains(previous.toString());
				}
				previous = temporary;
				kill++;
			}
		}

		try (KiwiWorkProcess b = KiwiWorkProcess.start(fileB, LOGS.resolve("restore-b.log"), primaryArguments(replica))) {
			KiwiWorkClient client = b.awaitHealthy(STARTUP_TIMEOUT);
			assertThat(b.logText()).as("log of B's last start")
				.contains("Removed ")
				.contains(previous.toString())
				.contains("Restored " + fileB.toAbsolutePath() + " from file:" + replica.toAbsolutePath());
			assertThat(namesOnceSettled(directoryB)).as("files beside B's database once it is up")
				.noneMatch((file) -> file.contains(".kiwi-") || file.contains("restore"))
				.allSatisfy((file) -> assertThat(DATABASE_FILES).as("known files of B's database").contains(file));
			assertThat(titlesById(client.pending())).as("B's tasks, restored").isEqualTo(tasks);
			assertThat(b.stop()).as("exit status of B, log:%n%s", b.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
		}
		assertThat(names(directoryB)).as("files beside B's database once it stopped")
			.noneMatch((file) -> file.contains(".kiwi-") || file.contains("restore"));
		assertThat(Sqlite3Shell.run(fileB, "PRAGMA integrity_check;")).as("integrity of B's file").isEqualTo("ok");
		assertThat(Sqlite3Shell.run(fileB, "SELECT count(*) FROM ballast;")).as("rows of ballast in B's file")
			.isEqualTo(Sqlite3Shell.run(fileA, "SELECT count(*) FROM ballast;"));
	}

	@Test
	@Timeout(150)
	void aStartupSnapshotKilledMidwayLeavesNothingBesideTheDatabaseAndItsRestartRemovesWhatItLeftInTheReplica()
			throws Exception {
		Path replica = Files.createDirectories(this.tempDir.resolve("replica"));
		Path directoryA = Files.createDirectories(this.tempDir.resolve("a"));
		Path fileA = directoryA.resolve("work.db");
		Files.copy(base, fileA);
		int ballastRows = BALLAST_ROWS;
		Path previous = null;
		int growths = 0;

		try (DirectoryWatch besideA = DirectoryWatch.start(directoryA)) {
			for (int kill = 1; kill <= KILLS;) {
				String log = "snapshot-a-killed-" + kill + (growths > 0 ? "-grown-" + growths : "") + ".log";
				try (KiwiWorkProcess a = KiwiWorkProcess.start(fileA, LOGS.resolve(log), primaryArguments(replica))) {
					long startedAt = System.nanoTime();
					List<Path> snapshotsBefore = snapshots(replica);
					Optional<Path> seen = awaitAppearing(replica, SNAPSHOT_TEMPORARY, previous, killAtSize(kill), a,
							() -> !snapshots(replica).equals(snapshotsBefore));
					int status = a.kill();
					boolean caught = seen.isPresent() && Files.exists(seen.get());
					if (!caught) {
						// The snapshot was written before the kill: grow the database, retry.
						System.out.printf("kill %d: the snapshot finished first (%s); growing the database%n", kill,
								seen.map(Path::toString).orElse("not seen"));
						growths++;
						assertThat(growths)
							.as("times the snapshot finished before it could be killed, at %d rows of ballast",
									ballastRows)
							.isLessThanOrEqualTo(MAX_GROWTHS);
						addBallast(fileA, ballastRows);
						ballastRows *= 2;
						continue;
					}
					assertThat(status).as("exit status of A killed while snapshotting").isEqualTo(SIGKILL_EXIT_STATUS);
					Path temporary = seen.get();
					System.out.printf("kill %d: %s seen %d ms after the start, %d bytes after the kill%n", kill,
							replica.relativize(temporary), (System.nanoTime() - startedAt) / 1_000_000,
							Files.size(temporary));
					assertThat(temporary.getParent().getFileName().toString()).as("folder of the temporary snapshot")
						.isEqualTo("snapshots");
					assertThat(replicaTemporaries(replica)).as("temporary files in the replica after kill %d", kill)
						.containsExactly(temporary);
					assertThat(snapshots(replica)).as("snapshots in the replica after kill %d", kill)
						.isEqualTo(snapshotsBefore);
					if (previous != null) {
						assertThat(a.logText()).as("log of the start after kill %d", kill - 1)
							.contains("Removed 1 unfinished write(s) an earlier primary left in file:"
									+ replica.toAbsolutePath());
					}
					previous = temporary;
					kill++;
				}
			}

			try (KiwiWorkProcess a = KiwiWorkProcess.start(fileA, LOGS.resolve("snapshot-a.log"),
					primaryArguments(replica))) {
				KiwiWorkClient client = a.awaitHealthy(STARTUP_TIMEOUT);
				JsonNode replication = awaitShipped(client);
				assertThat(a.logText()).as("log of A's last start")
					.contains("Removed 1 unfinished write(s) an earlier primary left in file:" + replica.toAbsolutePath());
				assertThat(previous).as("the temporary file the last kill left").doesNotExist();
				assertThat(replicaTemporaries(replica)).as("temporary files in the replica once A is up").isEmpty();
				assertThat(snapshots(replica)).as("snapshots in the replica once A is up: one per start let finish")
					.hasSize(1 + growths)
					.contains(replica.resolve("generations")
						.resolve(replication.path("generation").asString())
						.resolve("snapshots")
						.resolve("00000000.snapshot.lz4"));
				try (Stream<Path> generations = Files.list(replica.resolve("generations"))) {
					System.out.printf("generations in the replica once A is up: %s%n",
							generations.map((generation) -> generation.getFileName().toString()).sorted().toList());
				}
				assertThat(titlesById(client.pending())).as("A's tasks").isEqualTo(baseTasks);
				assertThat(a.stop()).as("exit status of A, log:%n%s", a.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
			}
			Set<String> seenBesideA = besideA.stop();
			System.out.printf("files seen beside A's database: %s%n", seenBesideA);
			assertThat(seenBesideA).as("files seen beside A's database while it started, snapshotted and was killed")
				.noneMatch((file) -> file.contains("snapshot") || file.startsWith(".work.db.kiwi-"))
				.allSatisfy((file) -> assertThat(DATABASE_FILES.contains(file) || NODE_ID_TEMPORARY.matcher(file).matches())
					.as("%s is one of the database's files, or the node id's temporary file", file)
					.isTrue());
		}
		assertThat(replicaTemporaries(replica)).as("temporary files in the replica after A stopped").isEmpty();

		Path restored = Files.createDirectories(this.tempDir.resolve("check")).resolve("work.db");
		try (FileReplicaClient client = new FileReplicaClient(replica)) {
			RestoreResult result = ReplicaRestore.latest(client, restored, false).orElseThrow();
			System.out.printf("restored %s at %s%n", restored, result.position());
		}
		assertThat(Sqlite3Shell.run(restored, "PRAGMA integrity_check;")).as("integrity of the restored file").isEqualTo("ok");
		assertThat(Sqlite3Shell.run(restored, "SELECT count(*) FROM ballast;")).as("rows of ballast restored")
			.isEqualTo(Sqlite3Shell.run(fileA, "SELECT count(*) FROM ballast;"));
		assertThat(Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(restored, "SELECT id, title FROM tasks;"))).as("tasks restored")
			.isEqualTo(baseTasks);
	}

	/**
	 * Starts a primary on {@code file} replicating to {@code replica}, creates tasks, waits until
	 * they are shipped and stops it cleanly.
	 * @return the tasks of the database, all pending
	 */
	private static Map<Long, String> replicate(Path file, Path replica, String log) throws Exception {
		try (KiwiWorkProcess a = KiwiWorkProcess.start(file, LOGS.resolve(log), primaryArguments(replica))) {
			KiwiWorkClient client = a.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= 5; i++) {
				client.create("replicated " + i + " by " + log);
			}
			awaitShipped(client);
			Map<Long, String> tasks = titlesById(client.pending());
			assertThat(a.stop()).as("exit status of A, log:%n%s", a.logTail()).isIn(0, SIGTERM_EXIT_STATUS);
			return tasks;
		}
	}

	/**
	 * The first kill strikes as soon as the temporary file is there; the others once it has grown
	 * to a good part of the database, the size of what the defect left behind.
	 */
	private static long killAtSize(int kill) {
		return (kill == 1) ? 0 : 8L * 1024 * 1024;
	}

	/**
	 * Polls {@code directory} and everything under it every 2 ms until a file named as
	 * {@code pattern}, other than {@code previous}, is there with at least {@code minimumSize} bytes.
	 * @param finished whether what the file is for finished without one being seen
	 * @return the file, or empty when it finished first
	 */
	private static Optional<Path> awaitAppearing(Path directory, Pattern pattern, Path previous, long minimumSize,
			KiwiWorkProcess process, BooleanSupplier finished) throws Exception {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		Pattern other = (previous != null)
				? Pattern.compile("(?!" + Pattern.quote(previous.getFileName().toString()) + "$)" + pattern.pattern())
				: pattern;
		while (System.nanoTime() < deadline) {
			Optional<Path> found = find(directory, other).filter((file) -> sizeOf(file) >= minimumSize);
			if (found.isPresent()) {
				return found;
			}
			if (finished.getAsBoolean()) {
				return find(directory, other).filter((file) -> sizeOf(file) >= minimumSize);
			}
			if (!ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)) {
				fail("Kiwi Work exited before %s appeared in %s; log:%n%s", pattern, directory, process.logTail());
			}
			Thread.sleep(2);
		}
		return fail("No file named as %s appeared in %s within %s; log:%n%s", pattern, directory, STARTUP_TIMEOUT,
				process.logTail());
	}

	private static long sizeOf(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static Optional<Path> find(Path directory, Pattern pattern) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter((file) -> pattern.matcher(file.getFileName().toString()).matches()).findFirst();
		}
		catch (NoSuchFileException | java.io.UncheckedIOException ex) {
			// A file or folder went away while it was listed: look again at the next poll.
			return Optional.empty();
		}
	}

	private static List<Path> replicaTemporaries(Path replica) throws IOException {
		try (Stream<Path> files = Files.walk(replica)) {
			return files.filter((file) -> REPLICA_TEMPORARY.matcher(file.getFileName().toString()).matches()).toList();
		}
	}

	/** The snapshots written into the replica, all generations. */
	private static List<Path> snapshots(Path replica) {
		try (Stream<Path> files = Files.walk(replica)) {
			return files.filter((file) -> file.getFileName().toString().matches("[0-9a-f]{8}\\.snapshot\\.lz4")).toList();
		}
		catch (IOException | java.io.UncheckedIOException ex) {
			return List.of();
		}
	}

	/**
	 * The names in {@code directory} once no temporary file of ours is in it, or after two seconds:
	 * a running primary writes its shipped record through a temporary file at every sync, there for
	 * a few milliseconds, where a leftover of a killed start stays.
	 */
	private static List<String> namesOnceSettled(Path directory) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		List<String> names = names(directory);
		while (names.stream().anyMatch((file) -> file.contains(".kiwi-")) && System.nanoTime() - deadline < 0) {
			Thread.sleep(20);
			names = names(directory);
		}
		return names;
	}

	private static List<String> names(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	private static void deleteFilesIn(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
	}

	/** Adds {@code rows} rows of 64 KiB of random bytes to the ballast table, creating it when needed. */
	private static void addBallast(Path database, int rows) throws Exception {
		Sqlite3Shell.run(database, "PRAGMA journal_mode=wal; "
				+ "CREATE TABLE IF NOT EXISTS ballast (id INTEGER PRIMARY KEY, data BLOB NOT NULL); "
				+ "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
				+ "INSERT INTO ballast (data) SELECT randomblob(65536) FROM n;");
	}

	private static List<String> primaryArguments(Path replica) {
		return List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=file:" + replica.toAbsolutePath(),
				"--kiwi.db.replication.sync-interval=200ms", "--kiwi.db.replication.lease-timeout=3s");
	}

	private static JsonNode awaitShipped(KiwiWorkClient client) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			JsonNode health = client.health();
			JsonNode replication = health.path("components").path("kiwiDb").path("details").path("replication");
			if (replication.path("pendingTransactions").asInt(-1) == 0 && replication.hasNonNull("generation")) {
				return replication;
			}
			if (System.nanoTime() > deadline) {
				return fail("Not everything was shipped within 30 s: %s", health);
			}
			Thread.sleep(50);
		}
	}

	/** A thread listing one directory every 2 ms, collecting every name it saw there. */
	private static final class DirectoryWatch implements AutoCloseable {

		private final Set<String> seen = new ConcurrentSkipListSet<>();

		private final List<String> errors = new ArrayList<>();

		private final Thread thread;

		private volatile boolean stopped;

		private DirectoryWatch(Path directory) {
			this.thread = new Thread(() -> {
				while (!this.stopped) {
					try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
						for (Path entry : entries) {
							this.seen.add(entry.getFileName().toString());
						}
					}
					catch (IOException | RuntimeException ex) {
						synchronized (this.errors) {
							this.errors.add(ex.toString());
						}
					}
					try {
						Thread.sleep(2);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "watching " + directory);
			this.thread.setDaemon(true);
		}

		static DirectoryWatch start(Path directory) {
			DirectoryWatch watch = new DirectoryWatch(directory);
			watch.thread.start();
			return watch;
		}

		Set<String> stop() throws InterruptedException {
			close();
			synchronized (this.errors) {
				assertThat(this.errors).as("errors listing the directory").isEmpty();
			}
			return new TreeSet<>(this.seen);
		}

		@Override
		public void close() throws InterruptedException {
			this.stopped = true;
			this.thread.join(5_000);
		}

	}

}
