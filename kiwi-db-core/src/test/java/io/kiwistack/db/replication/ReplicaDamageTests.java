package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * A damaged replica is never restored: a flipped byte, a truncated or missing segment, or a
 * snapshot from another generation makes restore fail with a {@link ReplicaException} that names
 * the damaged object, and the target directory is left exactly as it was, with no database file
 * and no temporary file in it.
 */
class ReplicaDamageTests {

	@TempDir
	static Path built;

	/** The replica all cases start from; each case damages a copy. */
	static Path pristine;

	/** The older generation, and the latest one that a restore uses. */
	static String older;

	static String latest;

	/** A segment of the latest generation in the middle of a log index: others follow it in it. */
	static WalSegmentInfo middle;

	/** The log index of {@link #middle}, not the latest generation's last. */
	static long middleIndex;

	@TempDir
	Path dir;

	private Path replica;

	private Path target;

	private List<String> targetDirectoryBefore;

	@BeforeAll
	static void buildReplicaOfTwoGenerations() throws Exception {
		pristine = built.resolve("replica");
		Path database = built.resolve("primary.db");
		// A checkpoint every few syncs: several log indices, each of several segments.
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofHours(1))
			.withCheckpointThresholdBytes(100 * 1024);
		long id = 1;
		for (int generation = 0; generation < 2; generation++) {
			ShippedRecords.forget(database);
			try (KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
					Replicator replicator = new Replicator(dataSource, new FileReplicaClient(pristine), settings)) {
				replicator.start();
				if (generation == 0) {
					createTables(dataSource);
				}
				for (int sync = 0; sync < ((generation == 0) ? 3 : 16); sync++) {
					for (int i = 0; i < 3; i++) {
						insert(dataSource, id++);
					}
					if (generation == 1) {
						mark(dataSource, sync);
					}
					replicator.syncNow();
				}
			}
			if (generation == 0) {
				older = new FileReplicaClient(pristine).generations().get(0);
			}
		}
		FileReplicaClient client = new FileReplicaClient(pristine);
		latest = client.generations().stream().filter((generation) -> !generation.equals(older)).findFirst().orElseThrow();
		List<WalSegmentInfo> segments = client.walSegments(latest);
		long lastIndex = segments.get(segments.size() - 1).index();
		for (WalSegmentInfo segment : segments) {
			List<WalSegmentInfo> inIndex = segments.stream().filter((other) -> other.index() == segment.index()).toList();
			// Not the first or last of its index, and holding two commits or more: the first
			// scheduled sync races the first writes, so segment boundaries vary from run to run.
			boolean inside = inIndex.size() >= 3 && segment != inIndex.get(0) && segment != inIndex.get(inIndex.size() - 1);
			if (segment.index() < lastIndex && inside && middle == null && commitsIn(client, segment) >= 2) {
				middleIndex = segment.index();
				middle = segment;
			}
		}
		assertThat(middle).as("a log index in the middle of %s with 3 segments or more", segments).isNotNull();
		assertThat(new Restorer(client).restoreLatest(built.resolve("check.db"))).isPresent();
	}

	/**
	 * Two tables: {@code rows}, appended to at every sync, and {@code marks}, whose rows fill a page
	 * each, so that the page of mark n changes only in the sync that updates it.
	 */
	private static void createTables(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB)");
			statement.execute("CREATE TABLE marks (id INTEGER PRIMARY KEY, sync INTEGER, payload BLOB)");
			for (int mark = 0; mark < 16; mark++) {
				statement.execute("INSERT INTO marks VALUES (" + mark + ", -1, zeroblob(3000))");
			}
		}
	}

	private static void mark(KiwiDataSource dataSource, int sync) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("UPDATE marks SET sync = " + sync + " WHERE id = " + sync);
		}
	}

	private static void insert(KiwiDataSource dataSource, long id) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO rows (id, payload) VALUES (?, ?)")) {
			byte[] payload = new byte[(id % 4 == 0) ? 5000 : 700];
			Arrays.fill(payload, (byte) id);
			insert.setLong(1, id);
			insert.setBytes(2, payload);
			insert.executeUpdate();
		}
	}

	@BeforeEach
	void copyReplicaAndPrepareTarget() throws IOException {
		this.replica = ReplicaFiles.copy(pristine, this.dir.resolve("replica"));
		Path targetDirectory = Files.createDirectories(this.dir.resolve("restore"));
		Files.writeString(targetDirectory.resolve("notes.txt"), "was here before the restore");
		this.target = targetDirectory.resolve("restored.db");
		this.targetDirectoryBefore = ReplicaFiles.listAll(targetDirectory);
	}

	private static int commitsIn(FileReplicaClient client, WalSegmentInfo segment) throws Exception {
		byte[] log;
		try (var in = Lz4.decompress(client.open(ReplicaLayout.walSegmentPath(segment.generation(), segment.index(),
				segment.offset())))) {
			log = in.readAllBytes();
		}
		int frameSize = WalFrames.FRAME_HEADER_SIZE + 4096;
		int commits = 0;
		for (int at = 0; at + frameSize <= log.length; at += frameSize) {
			if (java.nio.ByteBuffer.wrap(log, at + 4, 4).getInt() != 0) {
				commits++;
			}
		}
		return commits;
	}

	@Test
	void aFlippedByteAnywhereInACompressedSegmentIsCaughtAndNamed() throws Exception {
		Path segment = this.replica.resolve(path(middle));
		byte[] original = Files.readAllBytes(segment);
		TreeSet<Integer> positions = new TreeSet<>();
		for (int i = 0; i < 16; i++) {
			// The frame's header and first block header, its end mark and content checksum.
			positions.add(i);
			positions.add(original.length - 1 - i);
		}
		for (int i = 1; i < 16; i++) {
			positions.add(original.length * i / 16);
		}
		for (int position : positions) {
			byte[] damaged = original.clone();
			damaged[position] ^= (byte) 0xff;
			ReplicaFiles.rewrite(segment, damaged);
			assertRestoreFailsNaming(path(middle), "flipped byte at " + position + " of " + original.length);
		}
	}

	@Test
	void aFlippedPageByteInAValidlyRecompressedSegmentFailsTheChecksumChain() throws Exception {
		byte[] log = decompress(middle);
		int pageSize = pageSize();
		// In the page of the first frame, and of the last (the commit frame).
		for (int at : new int[] { WalFrames.FRAME_HEADER_SIZE + 100, log.length - pageSize + 7 }) {
			byte[] damaged = log.clone();
			damaged[at] ^= 0x01;
			recompress(middle, damaged);
			String message = assertRestoreFailsNaming(path(middle), "page byte flipped at " + at);
			assertThat(message).contains("checksum");
		}
	}

	@Test
	void aFlippedSaltInAFrameHeaderIsCaught() throws Exception {
		byte[] log = decompress(middle);
		// The first frame's salt-1.
		log[8] ^= 0x01;
		recompress(middle, log);
		assertRestoreFailsNaming(path(middle), "salt flipped");
	}

	@Test
	void aTruncatedSegmentIsCaughtAndNamed() throws Exception {
		Path segment = this.replica.resolve(path(middle));
		byte[] original = Files.readAllBytes(segment);
		for (int length : new int[] { original.length / 2, original.length - 4, 11, 0 }) {
			ReplicaFiles.rewrite(segment, Arrays.copyOf(original, length));
			assertRestoreFailsNaming(path(middle), "truncated to " + length + " of " + original.length + " bytes");
		}
	}

	@Test
	void aValidlyRecompressedSegmentCutShortIsNamed() throws Exception {
		byte[] log = decompress(middle);
		int frameSize = WalFrames.FRAME_HEADER_SIZE + pageSize();
		int earlierCommit = lastCommitBefore(log, frameSize, log.length - frameSize);
		assertThat(earlierCommit).as("a commit before the segment's last frame").isPositive();
		// Without its last frame, the segment ends inside its last transaction; cut after an earlier
		// commit, it ends at a commit but misses the transactions after it.
		for (int length : new int[] { log.length - frameSize, earlierCommit }) {
			recompress(middle, Arrays.copyOf(log, length));
			assertRestoreFailsNaming(path(middle), "cut to " + length + " of " + log.length + " bytes");
		}
	}

	@Test
	void aMissingSegmentInTheMiddleOfALogIndexIsNamed() throws Exception {
		Files.delete(this.replica.resolve(path(middle)));
		String message = assertRestoreFailsNaming(path(middle), "deleted");
		assertThat(message).contains("missing");
	}

	@Test
	void aMissingFirstSegmentOfALogIndexIsNamed() throws Exception {
		String first = ReplicaLayout.walSegmentPath(latest, middleIndex, 0);
		Files.delete(this.replica.resolve(first));
		String message = assertRestoreFailsNaming(first, "deleted");
		assertThat(message).contains("missing");
	}

	@Test
	void aMissingLastSegmentOfALogIndexIsNamed() throws Exception {
		// Its own replica: each sync updates one row that fills a page of its own, nothing else,
		// so that a lost segment loses exactly one update and no page allocation.
		Path replica = this.dir.resolve("marks-replica");
		try (KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve("marks.db").toString()).autoCheckpoint(false).build())) {
			createTables(dataSource);
			// A checkpoint threshold a few updates past the log's size now: the first checkpoint
			// comes after a sync that shipped only an update.
			long threshold = dataSource.file().orElseThrow().walSize() + 4 * (4096 + 24);
			ReplicationSettings settings = ReplicationSettings.defaults()
				.withSyncInterval(Duration.ofHours(1))
				.withCheckpointThresholdBytes(threshold);
			try (Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), settings)) {
				replicator.start();
				replicator.syncNow();
				for (int sync = 0; sync < 16; sync++) {
					mark(dataSource, sync);
					replicator.syncNow();
				}
			}
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		String generation = client.generations().get(0);
		List<WalSegmentInfo> segments = client.walSegments(generation);
		List<WalSegmentInfo> firstIndex = segments.stream().filter((segment) -> segment.index() == 0).toList();
		assertThat(firstIndex).as("segments of log index 0 in %s", segments).hasSizeGreaterThan(2);
		assertThat(segments.get(segments.size() - 1).index()).as("the last log index").isPositive();
		String last = path(firstIndex.get(firstIndex.size() - 1));
		Files.delete(replica.resolve(last));

		Throwable thrown = catchThrowable(() -> new Restorer(client).restoreLatest(this.target));
		String restored = Files.exists(this.target) ? "restored, integrity " + DatabaseDump.integrity(this.target)
				+ ", marks " + DatabaseDump.of(this.target).stream().filter((row) -> row.matches("\\d+\\|-?\\d+\\|.*"))
					.map((row) -> row.substring(0, row.indexOf('|', row.indexOf('|') + 1)))
					.toList()
				: "not restored";
		assertThat(thrown).as("restore without %s (%s)", last, restored)
			.isInstanceOf(ReplicaException.class)
			.hasMessageContaining(last);
	}

	@Test
	void aSnapshotFromAnotherGenerationIsRefusedAndNamed() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(latest, 0);
		Files.copy(this.replica.resolve(ReplicaLayout.snapshotPath(older, 0)), this.replica.resolve(snapshot),
				StandardCopyOption.REPLACE_EXISTING);
		assertThat(this.replica.resolve(SnapshotDigest.path(latest, 0))).exists();
		String message = assertRestoreFailsNaming(snapshot, "generation " + older + "'s snapshot");
		assertThat(message).contains("does not belong");
	}

	@Test
	void aFlippedByteInASnapshotIsCaughtAndNamed() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(latest, 0);
		Path file = this.replica.resolve(snapshot);
		long size = Files.size(file);
		for (long position : new long[] { 5, size / 2, size - 1 }) {
			byte[] original = Files.readAllBytes(file);
			ReplicaFiles.flipByte(file, position);
			assertRestoreFailsNaming(snapshot, "flipped byte at " + position);
			ReplicaFiles.rewrite(file, original);
		}
	}

	@Test
	void aValidlyRecompressedSnapshotWithAFlippedByteFailsItsDigest() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(latest, 0);
		Path file = this.replica.resolve(snapshot);
		byte[] database;
		try (InputStream in = Lz4.decompress(Files.newInputStream(file))) {
			database = in.readAllBytes();
		}
		// A byte in the middle of the file: its page, if unused, would pass integrity_check.
		database[database.length / 2] ^= 0x01;
		ReplicaFiles.rewrite(file, Lz4.compress(database, 0, database.length));
		String message = assertRestoreFailsNaming(snapshot, "recompressed with a flipped byte");
		assertThat(message).contains("XXH64");
	}

	@Test
	void aSnapshotRecordedWithTheSha256OfEarlierVersionsIsCheckedByIt() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(latest, 0);
		byte[] database;
		try (InputStream in = Lz4.decompress(Files.newInputStream(this.replica.resolve(snapshot)))) {
			database = in.readAllBytes();
		}
		// The record as kiwi-db wrote it before XXH64: the same line, a SHA-256, another name.
		Files.delete(this.replica.resolve(SnapshotDigest.path(latest, 0)));
		Path legacy = this.replica.resolve(ReplicaLayout.snapshotDigestPath(latest, 0, "sha256"));
		Files.writeString(legacy, latest + " 00000000 " + sha256Hex(database) + "\n");
		FileReplicaClient client = new FileReplicaClient(this.replica);
		assertThat(SnapshotDigest.isRecorded(client, latest, 0)).as("the earlier record counts as the digest").isTrue();
		assertThat(new Restorer(client).restoreLatest(this.target)).isPresent();
		Files.delete(this.target);

		database[database.length / 2] ^= 0x01;
		Files.writeString(legacy, latest + " 00000000 " + sha256Hex(database) + "\n");
		String message = assertRestoreFailsNaming(snapshot, "a SHA-256 record of content one byte apart");
		assertThat(message).contains("SHA-256");
	}

	@Test
	void restoreRefusesATargetThatExistsAndLeavesItUntouched() throws Exception {
		byte[] existing = "an existing database, not to be touched".getBytes();
		Files.write(this.target, existing);
		List<String> before = ReplicaFiles.listAll(this.target.getParent());
		Throwable thrown = catchThrowable(() -> new Restorer(new FileReplicaClient(this.replica)).restoreLatest(this.target));
		assertThat(thrown).isInstanceOf(ReplicaException.class).hasMessageContaining(this.target.toString());
		assertThat(Files.readAllBytes(this.target)).isEqualTo(existing);
		assertThat(ReplicaFiles.listAll(this.target.getParent())).isEqualTo(before);
		Throwable thrownToTime = catchThrowable(() -> new Restorer(new FileReplicaClient(this.replica))
			.restoreTo(this.target, java.time.Instant.now()));
		assertThat(thrownToTime).isInstanceOf(ReplicaException.class).hasMessageContaining(this.target.toString());
		assertThat(Files.readAllBytes(this.target)).isEqualTo(existing);
		assertThat(ReplicaFiles.listAll(this.target.getParent())).isEqualTo(before);
	}

	/**
	 * Restore the latest state and expect it to fail naming {@code path}, leaving the target
	 * directory as it was.
	 * @return the failure's message
	 */
	private String assertRestoreFailsNaming(String path, String damage) throws IOException {
		Throwable thrown = catchThrowable(() -> new Restorer(new FileReplicaClient(this.replica)).restoreLatest(this.target));
		assertThat(thrown).as("restore of a replica with %s in %s", damage, path)
			.isInstanceOf(ReplicaException.class)
			.hasMessageContaining(path);
		assertThat(ReplicaFiles.listAll(this.target.getParent())).as("the target directory after a failed restore (%s)", damage)
			.isEqualTo(this.targetDirectoryBefore);
		return thrown.getMessage();
	}

	private static String sha256Hex(byte[] content) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
	}

	private byte[] decompress(WalSegmentInfo segment) throws IOException {
		try (InputStream in = Lz4.decompress(Files.newInputStream(this.replica.resolve(path(segment))))) {
			return in.readAllBytes();
		}
	}

	private void recompress(WalSegmentInfo segment, byte[] log) throws IOException {
		ReplicaFiles.rewrite(this.replica.resolve(path(segment)), Lz4.compress(log, 0, log.length));
	}

	private int pageSize() throws IOException {
		// The log index's first segment starts with the WAL header.
		byte[] first;
		try (InputStream in = Lz4.decompress(Files
			.newInputStream(this.replica.resolve(ReplicaLayout.walSegmentPath(latest, middleIndex, 0))))) {
			first = in.readNBytes(WalHeader.SIZE);
		}
		return WalHeader.parse(first, 0, first.length).pageSize();
	}

	/** The end of the last commit frame that ends at or before {@code before}, 0 when none. */
	private static int lastCommitBefore(byte[] log, int frameSize, int before) {
		int cut = 0;
		for (int at = 0; at + frameSize <= before; at += frameSize) {
			int databasePages = ((log[at + 4] & 0xff) << 24) | ((log[at + 5] & 0xff) << 16) | ((log[at + 6] & 0xff) << 8)
					| (log[at + 7] & 0xff);
			if (databasePages != 0) {
				cut = at + frameSize;
			}
		}
		return cut;
	}

	private static String path(WalSegmentInfo segment) {
		return ReplicaLayout.walSegmentPath(segment.generation(), segment.index(), segment.offset());
	}

}
