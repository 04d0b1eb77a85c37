package io.kiwistack.db.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import io.kiwistack.db.replication.s3.S3ReplicaClient;

/**
 * The replication tests of the file replica, against a real S3 API server in this JVM (S3Proxy,
 * see {@link S3ProxyServer}): kiwi-db and the real Litestream 0.3.13 restore each other's S3
 * replicas, restores to a point in time, damaged and incomplete replicas, and the conditional
 * writes the primary claim relies on. Each test has a bucket of its own.
 */
class S3ReplicationTests {

	private static final String PREFIX = "some/prefix";

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void kiwiAndLitestreamRestoreFromS3TheSameRowsKiwiShipped() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("app.db");
		List<String> expected;
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			KiwiDataSource dataSource = openKiwi(database);
			Replicator replicator = new Replicator(dataSource, client, ReplicationSettings.defaults()
				.withSyncInterval(Duration.ofMillis(50))
				.withCheckpointThresholdBytes(256 * 1024));
			replicator.start();
			try {
				ReplicationRoundTripTests.writeWorkload(dataSource, replicator);
				replicator.syncNow();
			}
			finally {
				replicator.close();
			}
			expected = DatabaseDump.of(database);
			dataSource.close();
			assertThat(expected.size()).as("rows").isGreaterThan(1000);
			assertThat(client.generations()).hasSize(1);
			long indices = client.walSegments(client.generations().get(0))
				.stream()
				.mapToLong(WalSegmentInfo::index)
				.distinct()
				.count();
			assertThat(indices).as("log indices crossed by checkpoints").isGreaterThan(2);
		}

		// Restores only read: the client exactly as applications get it, from an s3:// URL.
		Path byKiwi = this.dir.resolve("kiwi-restored.db");
		try (ReplicaClient client = ReplicaUrl.open("s3://" + bucket + "/" + PREFIX, s3.settings())) {
			assertThat(client).isInstanceOf(S3ReplicaClient.class);
			RestoreResult result = new Restorer(client).restoreLatest(byKiwi).orElseThrow();
			assertThat(result.segments()).isPositive();
		}
		assertThat(DatabaseDump.integrity(byKiwi)).isEqualTo("ok");
		assertSameRows(DatabaseDump.of(byKiwi), expected, "restored by kiwi-db from S3");

		Path config = s3.litestreamConfig(this.dir.resolve("litestream.yml"), database, bucket, PREFIX);
		Path byLitestream = this.dir.resolve("litestream-restored.db");
		Litestream.run("restore", "-config", config.toString(), "-o", byLitestream.toString(), database.toString());
		assertThat(DatabaseDump.integrity(byLitestream)).isEqualTo("ok");
		assertSameRows(DatabaseDump.of(byLitestream), expected, "restored by litestream from S3");
	}

	@Test
	void kiwiRestoresWhatLitestreamReplicateShippedToS3() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("litestream-primary.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
		}
		// A small min-checkpoint-page-count makes Litestream checkpoint, so the workload crosses
		// several log indices.
		Path config = s3.litestreamConfig(this.dir.resolve("litestream.yml"), database, bucket, PREFIX,
				"monitor-interval: 50ms", "min-checkpoint-page-count: 64");
		Path log = this.dir.resolve("litestream.log");
		Process litestream = Litestream.start(log, "replicate", "-config", config.toString());
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			awaitFirstSnapshot(client, litestream, log);
			writeWithPlainSqliteJdbc(database);
			awaitQuiet(client, litestream, log);
		}
		finally {
			litestream.destroy();
			if (!litestream.waitFor(15, TimeUnit.SECONDS)) {
				litestream.destroyForcibly();
			}
		}
		List<String> expected = withoutLitestreamTables(DatabaseDump.of(database));
		assertThat(expected.size()).as("rows").isGreaterThan(1000);

		Path restored = this.dir.resolve("restored-by-kiwi.db");
		try (S3ReplicaClient client = s3.factoryClient(bucket, PREFIX)) {
			assertThat(client.generations()).hasSize(1);
			long indices = client.walSegments(client.generations().get(0))
				.stream()
				.mapToLong(WalSegmentInfo::index)
				.distinct()
				.count();
			assertThat(indices).as("log indices: Litestream checkpointed; its log:%n%s", Files.readString(log))
				.isGreaterThan(3);
			RestoreResult result = new Restorer(client).restoreLatest(restored).orElseThrow();
			assertThat(result.segments()).isGreaterThan(2);
		}
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		assertSameRows(withoutLitestreamTables(DatabaseDump.of(restored)), expected, "restored by kiwi-db");
	}

	/**
	 * S3Proxy, like many S3 servers, reports LastModified in whole seconds, and a restore to a
	 * point in time goes by LastModified: so the batches here are shipped more than a second
	 * apart from each point in time, whichever way the server rounds.
	 */
	@Test
	void restoresToAPointInTimeExactlyWhatWasShippedByThen() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("app.db");
		Duration gap = Duration.ofMillis(1100);
		try (KiwiDataSource dataSource = openKiwi(database); S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, batch TEXT, body TEXT)");
			}
			Instant beforeAnything = Instant.now();
			Thread.sleep(gap.toMillis());
			// Ships only when told to: syncNow below.
			Replicator replicator = new Replicator(dataSource, client,
					ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)));
			List<Instant> times = new ArrayList<>();
			List<List<String>> states = new ArrayList<>();
			try {
				replicator.start();
				replicator.syncNow();
				String[] batches = { "a", "b", "c" };
				for (int i = 0; i < batches.length; i++) {
					writeBatch(dataSource, batches[i], i);
					replicator.syncNow();
					states.add(rows(dataSource));
					if (i < batches.length - 1) {
						Thread.sleep(gap.toMillis());
						times.add(Instant.now());
						Thread.sleep(gap.toMillis());
					}
				}
			}
			finally {
				replicator.close();
			}

			for (int i = 0; i < times.size(); i++) {
				Path restored = this.dir.resolve("at-" + i + ".db");
				new Restorer(client).restoreTo(restored, times.get(i));
				assertThat(rows(restored)).as("restored to %s, after batch %d", times.get(i), i).isEqualTo(states.get(i));
			}
			Path latest = this.dir.resolve("latest.db");
			new Restorer(client).restoreLatest(latest).orElseThrow();
			assertThat(rows(latest)).isEqualTo(states.get(states.size() - 1));
			Path later = this.dir.resolve("later.db");
			new Restorer(client).restoreTo(later, Instant.now().plusSeconds(60));
			assertThat(rows(later)).isEqualTo(states.get(states.size() - 1));

			Path tooEarly = this.dir.resolve("too-early").resolve("app.db");
			assertThatExceptionOfType(ReplicaException.class)
				.isThrownBy(() -> new Restorer(client).restoreTo(tooEarly, beforeAnything))
				.withMessageContaining("no snapshot taken at or before " + beforeAnything)
				.withMessageContaining(client.describe());
			assertThat(tooEarly).doesNotExist();
		}
	}

	@Test
	void aFlippedByteInAMiddleSegmentFailsTheRestoreNamingIt() throws Exception {
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			String segment = middleSegment(client, bucket);
			byte[] bytes = read(client, segment);
			bytes[bytes.length / 2] ^= 0x10;
			client.write(segment, bytes);

			assertRestoreFails(client, segment, "is damaged");
		}
	}

	@Test
	void aPageChangedInAMiddleSegmentFailsTheChecksumChainNamingIt() throws Exception {
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			String segment = middleSegment(client, bucket);
			// Valid LZ4 with one byte of one page changed: only the log's checksums can tell.
			byte[] frames;
			try (InputStream in = Lz4.decompress(client.open(segment))) {
				frames = in.readAllBytes();
			}
			frames[WalFrames.FRAME_HEADER_SIZE + 100] ^= 0x01;
			client.write(segment, Lz4.compress(frames, 0, frames.length));

			assertRestoreFails(client, segment, "fail the checksum chain");
		}
	}

	@Test
	void aMissingMiddleSegmentFailsTheRestoreNamingIt() throws Exception {
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			String segment = middleSegment(client, bucket);
			client.delete(List.of(segment));
			assertThat(client.exists(segment)).isFalse();

			assertRestoreFails(client, segment, "is missing from " + client.describe());
		}
	}

	@Test
	void conditionalWritesCreateOnceAndReplaceOnlyTheVersionRead() throws Exception {
		String bucket = s3.newBucket();
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			String first = client.createIfAbsent("kiwi/claim", bytes("first"));
			assertThat(first).as("S3Proxy honours If-None-Match: *").isNotNull();
			assertThat(client.createIfAbsent("kiwi/claim", bytes("second"))).isNull();
			assertThat(read(client, "kiwi/claim")).isEqualTo(bytes("first"));

			VersionedObject read = client.readVersioned("kiwi/claim");
			assertThat(read.content()).isEqualTo(bytes("first"));
			assertThat(read.version()).isEqualTo(first);

			String second = client.replaceIfVersion("kiwi/claim", bytes("second"), first);
			assertThat(second).as("S3Proxy honours If-Match").isNotNull().isNotEqualTo(first);
			assertThat(client.replaceIfVersion("kiwi/claim", bytes("third"), first)).as("stale version").isNull();
			assertThat(read(client, "kiwi/claim")).isEqualTo(bytes("second"));
			assertThat(client.readVersioned("kiwi/claim").version()).isEqualTo(second);

			assertThat(client.replaceIfVersion("kiwi/nothing", bytes("x"), second)).as("no object").isNull();
			assertThat(client.exists("kiwi/nothing")).isFalse();
			assertThat(client.readVersioned("kiwi/nothing")).isNull();

			client.delete(List.of("kiwi/claim"));
			assertThat(client.createIfAbsent("kiwi/claim", bytes("again"))).isNotNull();
			assertThat(read(client, "kiwi/claim")).isEqualTo(bytes("again"));
		}
	}

	/** S3 lists at most 1,000 keys a page: listings and deletes go past the first page. */
	@Test
	void listsAndDeletesPastOnePage() throws Exception {
		String bucket = s3.newBucket();
		String generation = "00000000000000aa";
		for (int i = 0; i < 1100; i++) {
			put(bucket, ReplicaLayout.walSegmentPath(generation, i / 100, (i % 100) * 4096L));
		}
		for (int i = 0; i < 1005; i++) {
			put(bucket, ReplicaLayout.snapshotPath(String.format("%016x", 0x1000 + i), 0));
		}
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			assertThat(client.generations()).hasSize(1006).contains(generation, "0000000000001000", "00000000000013ec");
			List<WalSegmentInfo> segments = client.walSegments(generation);
			assertThat(segments).hasSize(1100);
			assertThat(segments.get(1099)).satisfies((last) -> {
				assertThat(last.index()).isEqualTo(10);
				assertThat(last.offset()).isEqualTo(99 * 4096L);
			});
			assertThat(segments).isSortedAccordingTo(java.util.Comparator.comparingLong(WalSegmentInfo::index)
				.thenComparingLong(WalSegmentInfo::offset));
			client.deleteGeneration(generation);
			assertThat(client.walSegments(generation)).isEmpty();
			assertThat(client.generations()).hasSize(1005).doesNotContain(generation);
		}
	}

	private static void put(String bucket, String path) {
		byte[] content = { 1 };
		s3.blobStore()
			.putBlob(PutObjectRequest.builder().bucket(bucket).key(PREFIX + "/" + path).contentLength(1L).build(),
					new java.io.ByteArrayInputStream(content));
	}

	@Test
	void aSecondPrimaryOnTheSameS3PathRefusesToStart() throws Exception {
		String bucket = s3.newBucket();
		try (KiwiDataSource first = openKiwi(this.dir.resolve("first.db"));
				KiwiDataSource second = openKiwi(this.dir.resolve("second.db"));
				S3ReplicaClient firstClient = s3.client(bucket, PREFIX);
				S3ReplicaClient secondClient = s3.client(bucket, PREFIX)) {
			ReplicationSettings settings = ReplicationSettings.defaults().withSyncInterval(Duration.ofMillis(100));
			try (Replicator holder = new Replicator(first, firstClient, settings)) {
				holder.start();
				Replicator other = new Replicator(second, secondClient, settings);
				assertThatExceptionOfType(ReplicaLeaseHeldException.class).isThrownBy(other::start)
					.satisfies((ex) -> assertThat(ex.replica()).isEqualTo(secondClient.describe()));
			}
			// Released on a clean stop.
			try (Replicator next = new Replicator(second, secondClient, settings)) {
				next.start();
			}
		}
	}

	private String middleSegment(S3ReplicaClient client, String bucket) throws Exception {
		Path database = this.dir.resolve(bucket + ".db");
		try (KiwiDataSource dataSource = openKiwi(database)) {
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, batch TEXT, body TEXT)");
			}
			try (Replicator replicator = new Replicator(dataSource, client,
					ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)))) {
				replicator.start();
				for (int i = 0; i < 4; i++) {
					writeBatch(dataSource, "batch" + i, i);
					replicator.syncNow();
				}
			}
		}
		String generation = client.generations().get(0);
		List<WalSegmentInfo> segments = client.walSegments(generation);
		assertThat(segments).as("segments of one log index").hasSizeGreaterThanOrEqualTo(4)
			.allSatisfy((segment) -> assertThat(segment.index()).isZero());
		WalSegmentInfo middle = segments.get(segments.size() / 2);
		return ReplicaLayout.walSegmentPath(generation, middle.index(), middle.offset());
	}

	private void assertRestoreFails(S3ReplicaClient client, String segment, String problem) throws IOException {
		Path restoreDir = Files.createDirectories(this.dir.resolve("restore-" + System.nanoTime()));
		Path target = restoreDir.resolve("restored.db");
		assertThatExceptionOfType(ReplicaException.class)
			.isThrownBy(() -> new Restorer(client).restoreLatest(target))
			.withMessageContaining(segment)
			.withMessageContaining(problem);
		try (var left = Files.list(restoreDir)) {
			assertThat(left).as("files left by the failed restore").isEmpty();
		}
	}

	private static KiwiDataSource openKiwi(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	/** Inserts, and after the first batch also changes and deletes earlier rows. */
	private static void writeBatch(KiwiDataSource dataSource, String batch, int seed) throws SQLException {
		Random random = new Random(seed);
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events (batch, body) VALUES (?, ?)")) {
				for (int i = 0; i < 50; i++) {
					insert.setString(1, batch);
					insert.setString(2, batch + "/" + i + " " + "z".repeat(random.nextInt(400)));
					insert.executeUpdate();
				}
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("UPDATE events SET body = body || ' seen by " + batch + "' WHERE id % 5 = " + seed % 5);
				statement.execute("DELETE FROM events WHERE id % 11 = " + seed % 11 + " AND batch <> '" + batch + "'");
			}
			connection.commit();
		}
	}

	private static List<String> rows(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return rows(connection);
		}
	}

	private static List<String> rows(Path database) throws SQLException {
		assertThat(DatabaseDump.integrity(database)).isEqualTo("ok");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
			return rows(connection);
		}
	}

	private static List<String> rows(Connection connection) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, batch, body FROM events ORDER BY id")) {
			while (result.next()) {
				rows.add(result.getLong(1) + "|" + result.getString(2) + "|" + result.getString(3));
			}
		}
		return rows;
	}

	private static byte[] read(ReplicaClient client, String path) throws IOException {
		try (InputStream in = client.open(path)) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toByteArray();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * The workload of a service that knows nothing of kiwi-db: a plain sqlite-jdbc connection in
	 * WAL mode with SQLite's own automatic checkpoints, while Litestream replicates.
	 */
	private static void writeWithPlainSqliteJdbc(Path database) throws SQLException, InterruptedException {
		Random random = new Random(11);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			// Litestream takes the write lock briefly to checkpoint.
			statement.execute("PRAGMA busy_timeout=10000");
			statement.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
			statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
			for (int round = 0; round < 16; round++) {
				connection.setAutoCommit(false);
				try (PreparedStatement note = connection.prepareStatement("INSERT INTO notes (body) VALUES (?)");
						PreparedStatement blob = connection.prepareStatement("INSERT INTO blobs (data) VALUES (?)")) {
					for (int i = 0; i < 80; i++) {
						note.setString(1, "note " + round + "/" + i + " " + "y".repeat(random.nextInt(300)));
						note.executeUpdate();
					}
					byte[] data = new byte[6_000 + random.nextInt(10_000)];
					random.nextBytes(data);
					blob.setBytes(1, data);
					blob.executeUpdate();
				}
				connection.commit();
				connection.setAutoCommit(true);
				statement.execute("DELETE FROM notes WHERE id % 97 = " + round);
				statement.execute("UPDATE notes SET body = body || '!' WHERE id % 4 = " + (round % 4));
				// Time for Litestream to notice the log and checkpoint it between rounds.
				Thread.sleep(100);
			}
		}
	}

	private static void awaitFirstSnapshot(S3ReplicaClient client, Process litestream, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			assertThat(litestream.isAlive()).as("litestream is running; its log:%n%s", Files.readString(log)).isTrue();
			List<String> generations = client.generations();
			if (!generations.isEmpty() && !client.snapshots(generations.get(0)).isEmpty()) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("litestream took no snapshot into S3 in 20 s; its log:\n" + Files.readString(log));
	}

	/** Wait until the replica has not changed for 1.5 s: Litestream has shipped everything. */
	private static void awaitQuiet(S3ReplicaClient client, Process litestream, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String last = null;
		long stableSince = System.nanoTime();
		while (System.nanoTime() < deadline) {
			assertThat(litestream.isAlive()).as("litestream is running; its log:%n%s", Files.readString(log)).isTrue();
			StringBuilder listing = new StringBuilder();
			for (String generation : client.generations()) {
				listing.append(client.snapshots(generation)).append(client.walSegments(generation));
			}
			String current = listing.toString();
			if (!current.equals(last)) {
				last = current;
				stableSince = System.nanoTime();
			}
			else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(1500)) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("litestream kept changing the replica for 30 s; its log:\n" + Files.readString(log));
	}

	private static List<String> withoutLitestreamTables(List<String> dump) {
		List<String> result = new ArrayList<>();
		boolean skipping = false;
		for (String line : dump) {
			if (line.startsWith("table ")) {
				skipping = line.startsWith("table _litestream_");
			}
			if (!skipping) {
				result.add(line);
			}
		}
		return result;
	}

	/** Equal dumps, or a failure naming the first difference (blob rows make full listings unreadable). */
	static void assertSameRows(List<String> actual, List<String> expected, String what) {
		int common = Math.min(actual.size(), expected.size());
		for (int i = 0; i < common; i++) {
			if (!actual.get(i).equals(expected.get(i))) {
				throw new AssertionError(what + ": line " + i + " of " + expected.size() + " differs:\n  expected: "
						+ shorten(expected.get(i)) + "\n  actual:   " + shorten(actual.get(i)));
			}
		}
		if (actual.size() != expected.size()) {
			List<String> longer = (actual.size() > expected.size()) ? actual : expected;
			throw new AssertionError(what + ": " + actual.size() + " lines, expected " + expected.size() + "; line "
					+ common + " is " + shorten(longer.get(common)));
		}
	}

	private static String shorten(String line) {
		return (line.length() <= 120) ? line : line.substring(0, 120) + "... (" + line.length() + " chars)";
	}

}
