package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * The {@link ReplicaClient} contract for a replica in a local directory, a fresh one per test
 * that the client creates itself; then what only a directory has: owner-only permissions, several
 * clients (two primaries, say) on one directory, and a replica reached through a symbolic link.
 */
class FileReplicaClientContractTests extends ReplicaClientContractTests {

	@TempDir
	Path dir;

	@Override
	protected ReplicaClient newReplica() {
		return new FileReplicaClient(root());
	}

	private Path root() {
		return this.dir.resolve("replica");
	}

	/** A write killed halfway leaves its temporary file, named as the client names them, half written. */
	@Override
	protected void leaveAbandonedWrite(String path) throws IOException {
		Path target = root().resolve(path);
		Files.createDirectories(target.getParent());
		Files.write(target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"),
				randomBytes(5000, 9));
	}

	@Override
	protected List<String> secrets() {
		return List.of();
	}

	@Test
	void describeIsTheDirectory() {
		assertThat(client().describe()).isEqualTo("file:" + root().toAbsolutePath());
	}

	/**
	 * A replica holds the whole database: what the client creates, directories and objects alike,
	 * only the owner reads, whatever the process's umask.
	 */
	@Test
	void everythingTheClientCreatesIsOwnerOnly() throws Exception {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
		ReplicaClient client = client();
		client.write(ReplicaLayout.walSegmentPath(GENERATION, 0, 0), bytes("segment"));
		client.write(ReplicaLayout.snapshotPath(GENERATION, 0), (out) -> out.write(randomBytes(100_000, 1)));
		String version = client.createIfAbsent(PrimaryLease.PATH, bytes("claim"));
		client.replaceIfVersion(PrimaryLease.PATH, bytes("renewed"), version);
		client.createIfAbsent(SnapshotDigest.path(OTHER_GENERATION, 0), bytes("digest"));
		List<String> modes = new ArrayList<>();
		try (Stream<Path> entries = Files.walk(root())) {
			for (Path entry : entries.toList()) {
				String expected = Files.isDirectory(entry) ? "rwx------" : "rw-------";
				String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(entry));
				modes.add(root().relativize(entry) + " " + mode);
				assertThat(mode).as("the mode of %s", entry).isEqualTo(expected);
			}
		}
		assertThat(modes).as("what was checked").hasSizeGreaterThan(8);
	}

	/** Directories that were there before belong to whoever made them: the client leaves their modes. */
	@Test
	void aReplicaDirectoryThatExistsKeepsItsMode() throws Exception {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
		Files.createDirectories(root());
		Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwxr-x---"));
		client().write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("s"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root()))).isEqualTo("rwxr-x---");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root().resolve("generations"))))
			.isEqualTo("rwx------");
	}

	/**
	 * Clients of their own on one directory, as primaries on a shared volume would be (here in one
	 * JVM, where file locks are per process), half of them through a symbolic link: their
	 * conditional writes still never both succeed.
	 */
	@Test
	void clientsOnOneDirectoryRacingToReplaceOneVersionNeverBothSucceed() throws Exception {
		int racers = 12;
		String version = client().createIfAbsent(PrimaryLease.PATH, bytes("first"));
		Path link = Files.createSymbolicLink(this.dir.resolve("link"), root());
		List<FileReplicaClient> clients = new ArrayList<>();
		for (int i = 0; i < racers; i++) {
			clients.add(new FileReplicaClient((i % 2 == 0) ? root() : link));
		}
		ExecutorService threads = Executors.newFixedThreadPool(racers);
		try {
			for (int round = 0; round < 20; round++) {
				String read = version;
				CyclicBarrier start = new CyclicBarrier(racers);
				List<Future<String>> attempts = new ArrayList<>();
				for (int racer = 0; racer < racers; racer++) {
					FileReplicaClient client = clients.get(racer);
					byte[] content = bytes("client " + racer + " of round " + round);
					attempts.add(threads.submit(() -> {
						start.await(30, TimeUnit.SECONDS);
						return client.replaceIfVersion(PrimaryLease.PATH, content, read);
					}));
				}
				List<Integer> winners = new ArrayList<>();
				for (int racer = 0; racer < racers; racer++) {
					if (attempts.get(racer).get(1, TimeUnit.MINUTES) != null) {
						winners.add(racer);
					}
				}
				assertThat(winners).as("clients whose replace succeeded in round %d", round).hasSize(1);
				VersionedObject stored = client().readVersioned(PrimaryLease.PATH);
				assertThat(stored.content()).isEqualTo(bytes("client " + winners.get(0) + " of round " + round));
				version = stored.version();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	/** A replica directory that is a symbolic link (to a mounted volume, say) is the directory it points to. */
	@Test
	void aReplicaReachedThroughASymbolicLinkIsTheDirectoryItPointsTo() throws Exception {
		Path real = this.dir.resolve("volume");
		Files.createDirectories(real);
		Path link = Files.createSymbolicLink(this.dir.resolve("link"), real);
		try (FileReplicaClient linked = new FileReplicaClient(link)) {
			linked.write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("s"));
			Path target = real.resolve(ReplicaLayout.snapshotPath(GENERATION, 1));
			Files.write(target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"), bytes("t"));
			assertThat(linked.generations()).containsExactly(GENERATION);
			assertThat(linked.removeAbandonedWrites()).isEqualTo(1);
			assertThat(new FileReplicaClient(real).snapshots(GENERATION)).hasSize(1);
		}
	}

}
