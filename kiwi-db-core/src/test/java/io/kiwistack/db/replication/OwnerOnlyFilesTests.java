package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Everything kiwi-db creates is owner-only, directories {@code rwx------} and files
 * {@code rw-------}: a replica and a restored copy hold the whole database. The tests run with
 * the process's own umask (022 on a usual machine, which would give {@code rwxr-xr-x} and
 * {@code rw-r--r--}), and read the exact modes back.
 */
class OwnerOnlyFilesTests {

	private static final String DIRECTORY = "rwx------";

	private static final String FILE = "rw-------";

	private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path dir;

	private final TestClock clock = TestClock.startingNow();

	@BeforeEach
	void posixPermissions() {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
	}

	/**
	 * Three generations, each with several snapshots (and their digests), log indices across
	 * checkpoints, end markers, and a claim renewed (its lock file): every directory and file of the
	 * replica, its root and the parent kiwi-db created for it included, and every file beside the
	 * database.
	 */
	@Test
	void everyDirectoryAndFileOfAFileReplicaAndBesideTheDatabaseIsOwnerOnly() throws Exception {
		Path database = this.dir.resolve("node/app.db");
		Path replica = this.dir.resolve("backups/replica");
		List<String> checked = new ArrayList<>();
		for (int generation = 0; generation < 3; generation++) {
			ShippedRecords.forget(database);
			try (KiwiDataSource dataSource = open(database, true);
					Replicator replicator = started(dataSource, replica)) {
				if (generation == 0) {
					execute(dataSource, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)");
				}
				for (int batch = 0; batch < 3; batch++) {
					insert(dataSource, 20);
					// Past the renewal interval and the snapshot interval: each sync renews the
					// claim and takes a snapshot.
					this.clock.advance(LEASE_TIMEOUT.dividedBy(2));
					replicator.syncNow();
				}
				if (generation == 2) {
					checked.addAll(assertOwnerOnly(this.dir.resolve("backups")));
					checked.addAll(assertOwnerOnly(this.dir.resolve("node")));
				}
			}
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		List<String> generations = client.generations().stream().sorted().toList();
		assertThat(generations).as("generations").hasSize(3);
		String last = generations.get(2);
		assertThat(client.snapshots(last)).as("snapshots of the last generation").hasSizeGreaterThan(1);
		assertThat(client.walSegments(last).stream().mapToLong(WalSegmentInfo::index).distinct().count())
			.as("log indices of the last generation").isGreaterThan(1);
		assertThat(checked).as("what was checked while the primary ran")
			.anyMatch((entry) -> entry.startsWith("backups/replica/kiwi/primary.lease "))
			.anyMatch((entry) -> entry.startsWith("backups/replica/kiwi/.primary.lease.lock "))
			.anyMatch((entry) -> entry.matches("backups/replica/generations/\\w+/snapshots/\\w+\\.snapshot\\.lz4 .*"))
			.anyMatch((entry) -> entry.matches("backups/replica/generations/\\w+/wal/\\w+\\.wal\\.lz4 .*"))
			.anyMatch((entry) -> entry.matches("backups/replica/generations/\\w+/kiwi/.+ .*"))
			.contains("node/app.db " + FILE, "node/app.db-wal " + FILE, "node/app.db-shipped " + FILE,
					"node/app.db-node-id " + FILE);
		assertOwnerOnly(this.dir.resolve("backups"));
		assertOwnerOnly(this.dir.resolve("node"));
	}

	/**
	 * The startup restore (a missing file, restored before the data source opens), into
	 * directories that don't exist yet: the directories kiwi-db creates, the database, and the
	 * {@code -wal} and {@code -shm} SQLite creates beside it once it is opened (with the
	 * database's own mode), with shared and with process-exclusive locking.
	 */
	@Test
	void aDatabaseRestoredOnStartupAndItsLogAreOwnerOnly() throws Exception {
		Path replica = shippedReplica();
		for (boolean processExclusive : new boolean[] { true, false }) {
			Path restored = this.dir.resolve("restored-" + processExclusive + "/a/b/app.db");
			assertThat(ReplicaRestore.latest(new FileReplicaClient(replica), restored, false)).isPresent();
			assertRestoredAndOpenedOwnerOnly(restored, processExclusive);
		}
	}

	@Test
	void aDatabaseRestoredToAPointInTimeAndItsLogAreOwnerOnly() throws Exception {
		Path replica = shippedReplica();
		Path restored = this.dir.resolve("point-in-time/a/b/app.db");
		ReplicaRestore.pointInTime(new FileReplicaClient(replica), restored, Instant.now(), false);
		assertRestoredAndOpenedOwnerOnly(restored, false);
	}

	/** A read replica's copy, restored into new directories, its state file, and its next generation. */
	@Test
	void aReadReplicasCopyAndItsStateAreOwnerOnly() throws Exception {
		Path database = this.dir.resolve("primary/app.db");
		Path replica = this.dir.resolve("replica");
		try (KiwiDataSource primary = open(database, true); Replicator replicator = started(primary, replica)) {
			execute(primary, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)");
			insert(primary, 20);
			replicator.syncNow();
		}
		Path copy = this.dir.resolve("follower/a/app.db");
		ReadReplication.prepare(copy, new FileReplicaClient(replica), false);
		assertOwnerOnly(this.dir.resolve("follower"));
		try (KiwiDataSource follower = KiwiDataSource
			.open(KiwiDbSettings.builder(copy.toString()).replicaOf("file:" + replica).build());
				Follower following = new Follower(follower, new FileReplicaClient(replica), Duration.ofHours(1))) {
			ShippedRecords.forget(database);
			try (KiwiDataSource primary = open(database, true); Replicator replicator = started(primary, replica)) {
				insert(primary, 20);
				replicator.syncNow();
			}
			following.pollNow();
			// kiwi-db's generation names sort by age.
			assertThat(following.status().position().generation()).as("the generation followed")
				.isEqualTo(new FileReplicaClient(replica).generations().stream().sorted().toList().get(1));
			assertOwnerOnly(this.dir.resolve("follower"));
		}
		assertThat(assertOwnerOnly(this.dir.resolve("follower"))).contains("follower/a/app.db " + FILE,
				"follower/a/app.db-follower " + FILE);
	}

	/** A read replica that starts before the primary shipped anything, into directories that don't exist yet. */
	@Test
	void aReadReplicaOnAnEmptyReplicaCreatesItsDirectoriesOwnerOnly() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path copy = this.dir.resolve("follower/a/app.db");
		ReadReplication.prepare(copy, new FileReplicaClient(replica), false);
		try (KiwiDataSource follower = KiwiDataSource
			.open(KiwiDbSettings.builder(copy.toString()).replicaOf("file:" + replica).build())) {
			assertThat(assertOwnerOnly(this.dir.resolve("follower"))).contains("follower/a/app.db " + FILE,
					"follower/a/app.db-follower " + FILE);
		}
	}

	/** A directory that was there before the restore belongs to whoever made it: it keeps its mode. */
	@Test
	void aRestoreLeavesTheModeOfADirectoryThatExistedAlone() throws Exception {
		Path replica = shippedReplica();
		Path existing = Files.createDirectory(this.dir.resolve("shared"));
		Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-x---"));
		Path restored = existing.resolve("new/app.db");
		assertThat(ReplicaRestore.latest(new FileReplicaClient(replica), restored, false)).isPresent();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing))).isEqualTo("rwxr-x---");
		assertOwnerOnly(existing.resolve("new"));
	}

	/**
	 * The temporary files SQLite itself opens for a large sort (in its temporary directory, removed
	 * from it at once and held open): SQLite creates those {@code rw-------} whatever the umask.
	 * Read through {@code /proc/self/fd}, the only place such a file can still be seen.
	 */
	@Test
	void sqlitesOwnTemporaryFilesAreOwnerOnly() throws Exception {
		Path descriptors = Path.of("/proc/self/fd");
		assumeTrue(Files.isDirectory(descriptors), "/proc/self/fd");
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("app.db").toString())
			.pragma("temp_store", "1")
			.pragma("cache_size", "10")
			.build())) {
			execute(dataSource, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)");
			insert(dataSource, 2000);
			List<String> modes = new ArrayList<>();
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT payload || id FROM rows ORDER BY payload || id DESC")) {
				assertThat(rows.next()).isTrue();
				// The sort is done and its spilled runs are open while the first row is read.
				try (Stream<Path> open = Files.list(descriptors)) {
					for (Path descriptor : open.toList()) {
						String target = readLinkOrNull(descriptor);
						if (target != null && target.contains("etilqs_")) {
							modes.add(target + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(descriptor)));
						}
					}
				}
			}
			assertThat(modes).as("SQLite's temporary files").isNotEmpty().allMatch((entry) -> entry.endsWith(" " + FILE));
		}
	}

	private static String readLinkOrNull(Path descriptor) {
		try {
			return Files.readSymbolicLink(descriptor).toString();
		}
		catch (IOException ex) {
			// The descriptor of the listing itself, closed by now.
			return null;
		}
	}

	private Path shippedReplica() throws Exception {
		Path database = this.dir.resolve("primary/app.db");
		Path replica = this.dir.resolve("replica");
		try (KiwiDataSource dataSource = open(database, true); Replicator replicator = started(dataSource, replica)) {
			execute(dataSource, "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)");
			insert(dataSource, 20);
			replicator.syncNow();
		}
		return replica;
	}

	private void assertRestoredAndOpenedOwnerOnly(Path restored, boolean processExclusive) throws Exception {
		Path created = restored.getParent().getParent().getParent();
		assertOwnerOnly(created);
		try (KiwiDataSource dataSource = open(restored, processExclusive)) {
			insert(dataSource, 5);
			List<String> checked = assertOwnerOnly(created);
			String base = this.dir.relativize(restored).toString();
			assertThat(checked).as("checked with process-exclusive %s", processExclusive)
				.contains(base + " " + FILE, base + "-wal " + FILE);
			if (!processExclusive) {
				assertThat(checked).contains(base + "-shm " + FILE);
			}
		}
		assertOwnerOnly(created);
	}

	/**
	 * Assert that {@code root} and everything under it is owner-only.
	 * @return each entry checked, as its path under the test directory and its mode
	 */
	private List<String> assertOwnerOnly(Path root) throws IOException {
		List<String> modes = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		try (Stream<Path> entries = Files.walk(root)) {
			for (Path entry : entries.toList()) {
				String name = this.dir.relativize(entry).toString();
				modes.add(name + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
				expected.add(name + " " + (Files.isDirectory(entry) ? DIRECTORY : FILE));
			}
		}
		assertThat(modes).as("modes under %s", root).isEqualTo(expected);
		return modes;
	}

	private Replicator started(KiwiDataSource dataSource, Path replica) {
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofHours(1))
			.withCheckpointThresholdBytes(16 * 1024)
			.withSnapshotInterval(LEASE_TIMEOUT.dividedBy(4))
			.withLeaseTimeout(LEASE_TIMEOUT);
		Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings, this.clock);
		replicator.start();
		return replicator;
	}

	private static KiwiDataSource open(Path database, boolean processExclusive) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString())
			.autoCheckpoint(false)
			.processExclusive(processExclusive)
			.build());
	}

	private static void insert(KiwiDataSource dataSource, int rows) throws SQLException {
		for (int i = 0; i < rows; i++) {
			execute(dataSource, "INSERT INTO rows (payload) VALUES ('" + "p".repeat(2000) + "')");
		}
	}

	private static void execute(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
