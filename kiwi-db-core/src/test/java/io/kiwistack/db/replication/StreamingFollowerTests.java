package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follower streaming from the primary over HTTP: it sees each commit long before storage has
 * it, across the primary's log restarts, holds the positions the primary hands out, and trusts
 * only a primary that shares its secret.
 */
class StreamingFollowerTests {

	private static final PeerSecret SECRET = new PeerSecret("a shared secret for the tests");

	/** Storage is synced only when the test asks: whatever the follower sees before came from the stream. */
	private static final ReplicationSettings SYNC_WHEN_ASKED = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofHours(1))
		.withCheckpointThresholdBytes(64 * 1024);

	@TempDir
	Path dir;

	@Test
	void aFollowerAppliesEachCommitFromTheStreamBeforeStorageHasIt() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary(primaryFile)) {
			PrimaryReplication replication = streamingPrimary(server, primary, replica);
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			replication.syncNow();

			Path followerFile = this.dir.resolve("follower.db");
			try (KiwiDataSource followerDb = preparedFollower(followerFile, replica, 2);
					ReadReplication follower = streamingFollower(followerDb, replica, Duration.ofMillis(200))) {
				follower.start();
				for (int i = 1; i <= 200; i++) {
					execute(primary, "INSERT INTO notes (body) VALUES ('" + "x".repeat(800) + "')");
					Position written = replication.position().orElseThrow();
					assertThat(follower.awaitPosition(written, Duration.ofSeconds(5))).as("position %s", written).isTrue();
					assertThat(count(followerDb)).isEqualTo(i);
					if (i % 70 == 0) {
						// A sync ships and checkpoints: SQLite restarts the log, and the stream follows into the next index.
						replication.syncNow();
					}
				}
				assertThat(follower.streaming()).isTrue();
				assertThat(follower.health().details()).containsEntry("following", "streaming")
					.containsEntry("primary", server.url());
				assertThat(follower.position()).isEqualTo(replication.position());
				assertThat(follower.position().orElseThrow().index()).as("log indexes crossed").isGreaterThan(0);
			}
			replication.close();
		}
		assertThat(DatabaseDump.integrity(this.dir.resolve("follower.db"))).isEqualTo("ok");
		assertThat(DatabaseDump.of(this.dir.resolve("follower.db"))).isEqualTo(DatabaseDump.of(primaryFile));
	}

	/**
	 * The primary scans its log in windows that start at a few frames and double: transactions of
	 * one frame, of a few, and of hundreds (a window of valid frames without a commit) each arrive
	 * whole, also right after the log restarted with a longer log's frames still behind its end.
	 */
	@Test
	void aFollowerGetsEveryTransactionWholeWhateverItsSizeAcrossLogRestarts() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary(primaryFile)) {
			PrimaryReplication replication = streamingPrimary(server, primary, replica);
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB)");
			replication.syncNow();

			Path followerFile = this.dir.resolve("follower.db");
			try (KiwiDataSource followerDb = preparedFollower(followerFile, replica, 2);
					ReadReplication follower = streamingFollower(followerDb, replica, Duration.ofMillis(200))) {
				follower.start();
				int[] sizes = { 100, 20_000, 1_500_000, 100, 100, 60_000, 3_000_000, 100 };
				for (int round = 0; round < 3; round++) {
					for (int size : sizes) {
						execute(primary, "INSERT INTO notes (body) VALUES (randomblob(" + size + "))");
						Position written = replication.position().orElseThrow();
						assertThat(follower.awaitPosition(written, Duration.ofSeconds(10))).as("position %s", written)
							.isTrue();
					}
					// The next round starts a restarted log, shorter than the one it overwrites.
					replication.syncNow();
				}
				assertThat(follower.streaming()).isTrue();
				assertThat(follower.position()).isEqualTo(replication.position());
				assertThat(count(followerDb)).isEqualTo(3 * sizes.length);
			}
			replication.close();
		}
		assertThat(DatabaseDump.integrity(this.dir.resolve("follower.db"))).isEqualTo("ok");
		assertThat(DatabaseDump.of(this.dir.resolve("follower.db"))).isEqualTo(DatabaseDump.of(primaryFile));
	}

	/**
	 * A commit that makes the database smaller (a VACUUM after deletes) cuts the follower's file to
	 * the size it records, and one after it grows the file again: the follower's file is always the
	 * primary's pages, no more.
	 */
	@Test
	void aFollowerCutsItsFileWhereTheDatabaseShrankAndGrowsItAgain() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary(primaryFile)) {
			PrimaryReplication replication = streamingPrimary(server, primary, replica);
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB)");
			replication.syncNow();
			try (KiwiDataSource followerDb = preparedFollower(followerFile, replica, 2);
					ReadReplication follower = streamingFollower(followerDb, replica, Duration.ofMillis(200))) {
				follower.start();
				String[] steps = { "INSERT INTO notes (body) SELECT randomblob(3000) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3), "
						+ "(SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5 UNION SELECT 6 UNION SELECT 7)",
						"DELETE FROM notes WHERE id > 2", "VACUUM", "INSERT INTO notes (body) VALUES (randomblob(9000))" };
				long[] pages = new long[steps.length];
				for (int step = 0; step < steps.length; step++) {
					execute(primary, steps[step]);
					Position written = replication.position().orElseThrow();
					assertThat(follower.awaitPosition(written, Duration.ofSeconds(10))).as("after %s", steps[step]).isTrue();
					pages[step] = pragma(primary, "page_count");
					assertThat(java.nio.file.Files.size(followerFile)).as("the follower's file after %s", steps[step])
						.isEqualTo(pages[step] * pragma(primary, "page_size"));
				}
				assertThat(pages[2]).as("pages after the VACUUM").isLessThan(pages[1]);
				assertThat(pages[3]).as("pages after the next insert").isGreaterThan(pages[2]);
				assertThat(count(followerDb)).isEqualTo(3);
			}
			replication.close();
		}
		assertThat(DatabaseDump.integrity(followerFile)).isEqualTo("ok");
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));
	}

	@Test
	void aFollowerWithAnotherSecretRefusesTheStreamAndSaysSo() throws Exception {
		Path replica = this.dir.resolve("replica");
		try (PeerHttpServer server = new PeerHttpServer();
				KiwiDataSource primary = openPrimary(this.dir.resolve("primary.db"))) {
			PrimaryReplication replication = streamingPrimary(server, primary, replica);
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			replication.syncNow();
			Path followerFile = this.dir.resolve("follower.db");
			ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
			try (KiwiDataSource followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					ReadReplication follower = KiwiDbReplicator.readReplica(followerDb, new FileReplicaClient(replica),
							Duration.ofMillis(100), Duration.ofSeconds(30),
							new PeerSettings(null, new PeerSecret("not the secret the primary has")))) {
				follower.start();
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (follower.isHealthy() && System.nanoTime() < deadline) {
					Thread.sleep(20);
				}
				assertThat(follower.isHealthy()).isFalse();
				assertThat(follower.streaming()).isFalse();
				assertThat(follower.health().state()).isEqualTo(ReplicationHealth.State.DOWN);
				assertThat(String.valueOf(follower.health().details().get("streamError")))
					.contains("refused this node's kiwi.db.replication.peer-secret")
					.doesNotContain("not the secret the primary has");
			}
			replication.close();
		}
	}

	@Test
	void aFollowerPollsStorageWhileThePrimaryCantBeStreamedFromAndStreamsAgainAfter() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		try (PeerHttpServer server = new PeerHttpServer();
				KiwiDataSource primary = KiwiDataSource
					.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build())) {
			PrimaryReplication replication = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
					SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings(server.url(), SECRET));
			PeerEndpoint endpoint = new PeerEndpoint(replication, SECRET);
			server.serve(endpoint);
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			replication.syncNow();
			Path followerFile = this.dir.resolve("follower.db");
			ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
			try (KiwiDataSource followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					ReadReplication follower = streamingFollower(followerDb, replica, Duration.ofMillis(100))) {
				follower.start();
				for (int i = 0; i < 10; i++) {
					execute(primary, "INSERT INTO notes (body) VALUES ('streamed')");
				}
				assertThat(follower.awaitPosition(replication.position().orElseThrow(), Duration.ofSeconds(5))).isTrue();
				// The primary stops answering; what it commits next reaches storage only, in segments that begin
				// before the position the follower streamed to.
				server.serve(null);
				// A stream open already goes on until its wait is over (1 s); the next request is refused.
				long refusedBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
				while (!"polling".equals(follower.health().details().get("following")) && System.nanoTime() < refusedBy) {
					Thread.sleep(10);
				}
				for (int i = 0; i < 10; i++) {
					execute(primary, "INSERT INTO notes (body) VALUES ('from storage')");
				}
				replication.syncNow();
				assertThat(follower.awaitPosition(replication.position().orElseThrow(), Duration.ofSeconds(10))).isTrue();
				assertThat(count(followerDb)).isEqualTo(20);
				assertThat(follower.health().details()).containsEntry("following", "polling");
				server.serve(endpoint);
				for (int i = 0; i < 5; i++) {
					execute(primary, "INSERT INTO notes (body) VALUES ('streamed again')");
				}
				assertThat(follower.awaitPosition(replication.position().orElseThrow(), Duration.ofSeconds(10))).isTrue();
				assertThat(count(followerDb)).isEqualTo(25);
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (!follower.streaming() && System.nanoTime() < deadline) {
					Thread.sleep(10);
				}
				assertThat(follower.streaming()).isTrue();
			}
			replication.close();
		}
		assertThat(DatabaseDump.of(this.dir.resolve("follower.db"))).isEqualTo(DatabaseDump.of(primaryFile));
	}

	@Test
	void aFollowerStoppedInsideASegmentResumesThereWithoutARestore() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		try (PeerHttpServer server = new PeerHttpServer(); KiwiDataSource primary = openPrimary(primaryFile)) {
			PrimaryReplication replication = streamingPrimary(server, primary, replica);
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			replication.syncNow();
			ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
			Object inode;
			try (KiwiDataSource followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					ReadReplication follower = KiwiDbReplicator.readReplica(followerDb, new FileReplicaClient(replica),
							Duration.ofHours(1), Duration.ofHours(1), new PeerSettings(null, SECRET))) {
				follower.start();
				for (int i = 0; i < 10; i++) {
					execute(primary, "INSERT INTO notes (body) VALUES ('streamed')");
				}
				assertThat(follower.awaitPosition(replication.position().orElseThrow(), Duration.ofSeconds(5))).isTrue();
				inode = java.nio.file.Files.getAttribute(followerFile, "unix:ino");
			}
			// One segment now holds the ten rows streamed and five more: the follower stopped inside it.
			for (int i = 0; i < 5; i++) {
				execute(primary, "INSERT INTO notes (body) VALUES ('shipped only')");
			}
			replication.syncNow();
			ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
			try (KiwiDataSource followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					ReadReplication follower = KiwiDbReplicator.readReplica(followerDb, new FileReplicaClient(replica),
							Duration.ofMillis(50), Duration.ofHours(1))) {
				follower.start();
				assertThat(follower.awaitPosition(replication.position().orElseThrow(), Duration.ofSeconds(10))).isTrue();
				assertThat(count(followerDb)).isEqualTo(15);
				assertThat(java.nio.file.Files.getAttribute(followerFile, "unix:ino")).as("the same file, not a restore")
					.isEqualTo(inode);
			}
			replication.close();
		}
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));
	}

	@Test
	void aFollowerStreamsAgainFromAPrimaryThatResumedAfterACleanStop() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		try (PeerHttpServer server = new PeerHttpServer()) {
			KiwiDataSource primary = KiwiDataSource
				.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
			PrimaryReplication first = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
					SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings(server.url(), SECRET));
			server.serve(new PeerEndpoint(first, SECRET));
			first.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			first.syncNow();
			ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
			try (KiwiDataSource followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(1).build());
					ReadReplication follower = streamingFollower(followerDb, replica, Duration.ofMillis(100))) {
				follower.start();
				execute(primary, "INSERT INTO notes (body) VALUES ('before the restart')");
				assertThat(follower.awaitPosition(first.position().orElseThrow(), Duration.ofSeconds(5))).isTrue();
				// A clean stop ships everything and checkpoints it, and the closed database leaves no log:
				// the next start resumes the generation in a new log index with nothing in it yet.
				first.close();
				primary.close();
				primary = KiwiDataSource.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
				PrimaryReplication second = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
						SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings(server.url(), SECRET));
				server.serve(new PeerEndpoint(second, SECRET));
				second.start();
				second.syncNow();
				Position idle = second.position().orElseThrow();
				assertThat(idle.generation()).isEqualTo(follower.position().orElseThrow().generation());
				assertThat(follower.awaitPosition(idle, Duration.ofSeconds(5))).as("the resumed primary's position %s", idle)
					.isTrue();
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				Thread.sleep(500);
				while (!follower.streaming() && System.nanoTime() < deadline) {
					Thread.sleep(10);
				}
				assertThat(follower.streaming()).isTrue();
				execute(primary, "INSERT INTO notes (body) VALUES ('after the restart')");
				assertThat(follower.awaitPosition(second.position().orElseThrow(), Duration.ofSeconds(5))).isTrue();
				assertThat(count(followerDb)).isEqualTo(2);
				assertThat(follower.streaming()).isTrue();
				second.close();
			}
			finally {
				primary.close();
			}
		}
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));
	}

	@Test
	void aCopyLeftWhileStreamingIsRestoredAfreshAtTheNextStart() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		try (KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
				PrimaryReplication replication = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
						SYNC_WHEN_ASKED, Duration.ofMinutes(1))) {
			replication.start();
			execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			execute(primary, "INSERT INTO notes (body) VALUES ('shipped')");
			replication.syncNow();
		}
		Path followerFile = this.dir.resolve("follower.db");
		ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
		// As a crash while streaming leaves it: the state file says so, and the file may hold anything past it.
		java.nio.file.Files.writeString(Follower.stateFile(followerFile), "streaming\n");
		try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(followerFile,
				java.nio.file.StandardOpenOption.WRITE)) {
			channel.write(java.nio.ByteBuffer.wrap(new byte[4096]), 4096);
		}
		ReadReplication.prepare(followerFile, new FileReplicaClient(replica), false);
		assertThat(java.nio.file.Files.readString(Follower.stateFile(followerFile))).doesNotContain("streaming");
		assertThat(DatabaseDump.integrity(followerFile)).isEqualTo("ok");
		assertThat(DatabaseDump.of(followerFile)).isEqualTo(DatabaseDump.of(primaryFile));
	}

	/** A primary's file, checkpointed only by its replicator. */
	private static KiwiDataSource openPrimary(Path file) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(file.toString()).autoCheckpoint(false).build());
	}

	/** Replication of {@code primary} to {@code replica}, started, its log streamed through {@code server}. */
	private static PrimaryReplication streamingPrimary(PeerHttpServer server, KiwiDataSource primary, Path replica) {
		PrimaryReplication replication = KiwiDbReplicator.primary(primary, new FileReplicaClient(replica),
				SYNC_WHEN_ASKED, Duration.ofMinutes(1), new PeerSettings(server.url(), SECRET));
		server.serve(new PeerEndpoint(replication, SECRET));
		replication.start();
		return replication;
	}

	/** A follower's copy prepared from {@code replica}, opened as its read replica. */
	private static KiwiDataSource preparedFollower(Path file, Path replica, int readers) throws Exception {
		ReadReplication.prepare(file, new FileReplicaClient(replica), false);
		return KiwiDataSource
			.open(KiwiDbSettings.builder(file.toString()).replicaOf("file:" + replica).readers(readers).build());
	}

	/** A read replica of {@code replica} that streams from the primary named in its claim, sharing the secret. */
	private static ReadReplication streamingFollower(KiwiDataSource followerDb, Path replica, Duration pollInterval) {
		return KiwiDbReplicator.readReplica(followerDb, new FileReplicaClient(replica), pollInterval, Duration.ofSeconds(30),
				new PeerSettings(null, SECRET));
	}

	private static void execute(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long pragma(KiwiDataSource dataSource, String name) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private static int count(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM notes")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
