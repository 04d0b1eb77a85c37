package io.kiwistack.db.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every {@link ReplicaClient} guarantees, run unchanged against each backend: a subclass
 * gives a fresh, empty replica per test ({@link #newReplica()}) and the two things only a backend
 * can do (leave what a crashed write leaves, name its secrets). The engine relies on exactly these
 * guarantees, so a backend that passes here is one the replicator, restores and read replicas can
 * use: whole objects or none (streamed writes too, when their content fails), conditional writes
 * of which two racing callers never both succeed, listings in index and offset order, and nothing
 * half-written ever listed.
 * <p>
 * Paths are {@link ReplicaLayout}'s, so the listings see the names the engine writes.
 */
abstract class ReplicaClientContractTests {

	/** A generation name. */
	static final String GENERATION = "0000018f2c3a4b5c";

	/** Another, which sorts after it. */
	static final String OTHER_GENERATION = "0000018f2c3a4b5d";

	/** The folder of {@link #GENERATION}. */
	static final String GENERATION_FOLDER = ReplicaLayout.GENERATIONS + "/" + GENERATION + "/";

	/** How many callers race for one conditional write: more than the cores, so that they interleave. */
	private static final int RACERS = 16;

	/** How many rounds each race runs: one lucky round proves little (S3Proxy alone failed in the first). */
	private static final int RACE_ROUNDS = 10;

	/** How many increments each caller tries on the shared counter. */
	private static final int INCREMENTS = 6;

	private ReplicaClient client;

	/** A new, empty replica for one test; closed after it. */
	protected abstract ReplicaClient newReplica() throws Exception;

	/**
	 * Leave at {@code path} what a streamed write leaves when its process dies halfway: a
	 * temporary file, an unfinished multipart upload.
	 */
	protected abstract void leaveAbandonedWrite(String path) throws Exception;

	/** What must never appear in {@link ReplicaClient#describe()}: the backend's secrets. */
	protected abstract List<String> secrets();

	/** The size of a streamed write big enough to take this backend's streaming path (multipart on S3). */
	protected int largeObjectSize() {
		return 3 * 1024 * 1024 + 17;
	}

	@BeforeEach
	void openReplica() throws Exception {
		this.client = newReplica();
	}

	@AfterEach
	void closeReplica() throws Exception {
		if (this.client != null) {
			this.client.close();
		}
	}

	/** The replica under test. */
	protected ReplicaClient client() {
		return this.client;
	}

	@Test
	void describeNamesTheReplicaWithoutItsSecrets() {
		String description = this.client.describe();
		assertThat(description).as("describe()").isNotBlank();
		for (String secret : secrets()) {
			assertThat(description).as("describe()").doesNotContain(secret);
		}
	}

	@Test
	void anEmptyReplicaListsNothing() throws IOException {
		assertThat(this.client.generations()).isEmpty();
		assertThat(this.client.snapshots(GENERATION)).isEmpty();
		assertThat(this.client.walSegments(GENERATION)).isEmpty();
		assertThat(this.client.walSegments(GENERATION, 3)).isEmpty();
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION))).isEmpty();
		assertThat(this.client.names("kiwi/")).isEmpty();
		assertThat(this.client.exists(PrimaryLease.PATH)).isFalse();
		assertThat(this.client.readVersioned(PrimaryLease.PATH)).isNull();
		assertThat(this.client.removeAbandonedWrites()).isZero();
	}

	@Test
	void aWrittenObjectReadsBackWhole() throws IOException {
		String path = ReplicaLayout.walSegmentPath(GENERATION, 0, 0);
		byte[] content = randomBytes(70_000, 1);
		this.client.write(path, content);
		assertThat(this.client.exists(path)).isTrue();
		assertThat(read(path)).isEqualTo(content);
		assertThat(this.client.readVersioned(path).content()).isEqualTo(content);
	}

	@Test
	void anEmptyObjectIsAnObject() throws IOException {
		String path = ReplicaLayout.walEndPath(GENERATION, 0);
		this.client.write(path, new byte[0]);
		assertThat(this.client.exists(path)).isTrue();
		assertThat(read(path)).isEmpty();
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION))).containsExactly("00000000.wal.end");
	}

	@Test
	void aWriteToAnExistingPathReplacesTheObjectWhole() throws IOException {
		String path = SnapshotDigest.path(GENERATION, 0);
		this.client.write(path, randomBytes(5000, 1));
		byte[] second = randomBytes(100, 2);
		this.client.write(path, second);
		assertThat(read(path)).isEqualTo(second);
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION))).containsExactly("00000000.snapshot.xxh64");
	}

	@Test
	void aStreamedWriteReadsBackWhole() throws IOException {
		String path = ReplicaLayout.snapshotPath(GENERATION, 0);
		byte[] content = randomBytes(largeObjectSize(), 3);
		// Odd-sized writes, as a compressor hands them over, and a close the client must survive.
		this.client.write(path, (out) -> {
			for (int at = 0; at < content.length; at += 12_345) {
				out.write(content, at, Math.min(12_345, content.length - at));
			}
			out.write(new byte[0]);
			out.close();
		});
		assertThat(this.client.exists(path)).isTrue();
		assertThat(read(path)).isEqualTo(content);
		assertThat(this.client.snapshots(GENERATION)).singleElement()
			.satisfies((snapshot) -> assertThat(snapshot.size()).isEqualTo(content.length));
	}

	@Test
	void aSmallStreamedWriteReadsBackWhole() throws IOException {
		String path = ReplicaLayout.snapshotPath(GENERATION, 1);
		this.client.write(path, (out) -> out.write(bytes("small")));
		assertThat(read(path)).isEqualTo(bytes("small"));
	}

	/** While a streamed write is under way, part of it stored already, readers see no object at all. */
	@Test
	void aStreamedWriteUnderWayIsNotThereYet() throws Exception {
		String path = ReplicaLayout.snapshotPath(GENERATION, 0);
		byte[] content = randomBytes(largeObjectSize() + 1000, 8);
		CountDownLatch halfway = new CountDownLatch(1);
		CountDownLatch goOn = new CountDownLatch(1);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		try {
			Future<?> write = writer.submit(() -> {
				this.client.write(path, (out) -> {
					out.write(content, 0, largeObjectSize());
					halfway.countDown();
					try {
						goOn.await(1, TimeUnit.MINUTES);
					}
					catch (InterruptedException ex) {
						throw new IOException(ex);
					}
					out.write(content, largeObjectSize(), content.length - largeObjectSize());
				});
				return null;
			});
			assertThat(halfway.await(1, TimeUnit.MINUTES)).isTrue();
			// Long enough for a part to reach storage: the backend streams as it is given bytes.
			Thread.sleep(200);
			assertThat(this.client.exists(path)).as("the object, halfway through its write").isFalse();
			assertThat(this.client.snapshots(GENERATION)).isEmpty();
			assertThat(this.client.names(GENERATION_FOLDER + "snapshots/")).isEmpty();
			assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.client.open(path).close());
			goOn.countDown();
			write.get(1, TimeUnit.MINUTES);
		}
		finally {
			goOn.countDown();
			writer.shutdownNow();
		}
		assertThat(read(path)).isEqualTo(content);
	}

	@Test
	void aStreamedWriteWhoseContentThrowsLeavesNoObject() throws IOException {
		String small = ReplicaLayout.snapshotPath(GENERATION, 0);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> this.client.write(small, (out) -> {
				out.write(randomBytes(1000, 4));
				throw new IOException("the database file could not be read");
			}))
			.withMessageContaining("the database file could not be read");
		String large = ReplicaLayout.snapshotPath(GENERATION, 1);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> this.client.write(large, (out) -> {
				// Past the point where the backend streams to storage: a part is uploaded already.
				out.write(randomBytes(largeObjectSize(), 5));
				throw new IllegalStateException("the compressor failed");
			}))
			.withMessage("the compressor failed");
		assertThat(this.client.exists(small)).isFalse();
		assertThat(this.client.exists(large)).isFalse();
		assertThat(this.client.snapshots(GENERATION)).isEmpty();
		assertThat(this.client.names(GENERATION_FOLDER + "snapshots/")).isEmpty();
		assertThat(this.client.removeAbandonedWrites()).as("what failed writes left for the next primary to remove")
			.isZero();
	}

	@Test
	void aStreamedWriteThatFailsLeavesTheObjectBeforeItUntouched() throws IOException {
		String path = ReplicaLayout.snapshotPath(GENERATION, 0);
		byte[] before = randomBytes(2000, 6);
		this.client.write(path, before);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.client.write(path, (out) -> {
			out.write(randomBytes(largeObjectSize(), 7));
			throw new IOException("disk gone");
		}));
		assertThat(read(path)).isEqualTo(before);
	}

	@Test
	void namesAreTheObjectsDirectlyInAFolder() throws IOException {
		this.client.write(SnapshotDigest.path(GENERATION, 0), bytes("a"));
		this.client.write(ReplicaLayout.walEndPath(GENERATION, 0), bytes("b"));
		this.client.write(ReplicaLayout.recordsFolder(GENERATION) + "deeper/nested", bytes("c"));
		this.client.write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("d"));
		this.client.write(ReplicaLayout.recordsFolder(OTHER_GENERATION) + "other", bytes("e"));
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION)))
			.containsExactlyInAnyOrder("00000000.snapshot.xxh64", "00000000.wal.end");
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION) + "deeper/")).containsExactly("nested");
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION) + "missing/")).isEmpty();
	}

	@Test
	void generationsAreListedOnceEachWhateverTheyHold() throws IOException {
		String third = "0123456789abcdef";
		this.client.write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("s"));
		this.client.write(ReplicaLayout.walSegmentPath(GENERATION, 0, 0), bytes("w"));
		this.client.write(ReplicaLayout.walSegmentPath(OTHER_GENERATION, 0, 0), bytes("w"));
		this.client.write(SnapshotDigest.path(third, 0), bytes("r"));
		// Not generations: a name of another form, a file beside them, the claim.
		this.client.write(ReplicaLayout.GENERATIONS + "/not-a-generation/snapshots/00000000.snapshot.lz4", bytes("x"));
		this.client.write(ReplicaLayout.GENERATIONS + "/0123456789ABCDEF/wal/00000000_00000000.wal.lz4", bytes("x"));
		this.client.write(ReplicaLayout.GENERATIONS + "/README", bytes("x"));
		this.client.write(PrimaryLease.PATH, bytes("claim"));
		assertThat(this.client.generations()).containsExactlyInAnyOrder(GENERATION, OTHER_GENERATION, third);
	}

	@Test
	void snapshotsAreListedInIndexOrderWithTheirSizeAndDate() throws Exception {
		Instant before = Instant.now().minusSeconds(2);
		long[] indices = { 0x10, 0x2, 0xa, 0x0, 0x1ff };
		for (long index : indices) {
			this.client.write(ReplicaLayout.snapshotPath(GENERATION, index), randomBytes((int) index + 1, index));
		}
		this.client.write(ReplicaLayout.snapshotPath(OTHER_GENERATION, 0x3), bytes("other generation"));
		// Not snapshots: their names have another form.
		this.client.write(GENERATION_FOLDER + "snapshots/00000003.snapshot", bytes("x"));
		this.client.write(GENERATION_FOLDER + "snapshots/3.snapshot.lz4", bytes("x"));
		this.client.write(GENERATION_FOLDER + "snapshots/00000004.snapshot.lz4.bak", bytes("x"));
		leaveAbandonedWrite(ReplicaLayout.snapshotPath(GENERATION, 0x5));
		Instant after = Instant.now().plusSeconds(2);
		List<SnapshotInfo> snapshots = this.client.snapshots(GENERATION);
		assertThat(snapshots).extracting(SnapshotInfo::index).containsExactly(0x0L, 0x2L, 0xaL, 0x10L, 0x1ffL);
		for (SnapshotInfo snapshot : snapshots) {
			assertThat(snapshot.generation()).isEqualTo(GENERATION);
			assertThat(snapshot.size()).as("size of %s", snapshot).isEqualTo(snapshot.index() + 1);
			assertThat(snapshot.createdAt()).as("date of %s", snapshot).isBetween(before, after);
		}
	}

	@Test
	void walSegmentsAreListedInIndexThenOffsetOrder() throws Exception {
		Instant before = Instant.now().minusSeconds(2);
		// Written out of order; offsets past 32 bits have more than 8 hex digits and sort by value.
		long[][] written = { { 0x10, 0 }, { 0x2, 0x2000 }, { 0x2, 0 }, { 0xa, 0x100000000L }, { 0xa, 0x20000000 },
				{ 0x2, 0x1000 }, { 0x0, 0 } };
		for (long[] segment : written) {
			this.client.write(ReplicaLayout.walSegmentPath(GENERATION, segment[0], segment[1]), bytes("segment"));
		}
		this.client.write(ReplicaLayout.walSegmentPath(OTHER_GENERATION, 0x1, 0), bytes("other generation"));
		this.client.write(GENERATION_FOLDER + "wal/00000003_00000000.wal", bytes("x"));
		this.client.write(GENERATION_FOLDER + "wal/00000003.wal.lz4", bytes("x"));
		leaveAbandonedWrite(ReplicaLayout.walSegmentPath(GENERATION, 0x3, 0));
		Instant after = Instant.now().plusSeconds(2);
		List<WalSegmentInfo> segments = this.client.walSegments(GENERATION);
		assertThat(segments).extracting((segment) -> segment.index() + "/" + Long.toHexString(segment.offset()))
			.containsExactly("0/0", "2/0", "2/1000", "2/2000", "10/20000000", "10/100000000", "16/0");
		for (WalSegmentInfo segment : segments) {
			assertThat(segment.generation()).isEqualTo(GENERATION);
			assertThat(segment.size()).isEqualTo(bytes("segment").length);
			assertThat(segment.createdAt()).as("date of %s", segment).isBetween(before, after);
		}
	}

	@Test
	void walSegmentsFromAnIndexStartThere() throws IOException {
		long[][] written = { { 0x0, 0 }, { 0x9, 0 }, { 0x9, 0x1000 }, { 0xa, 0 }, { 0xf, 0 }, { 0x10, 0 },
				{ 0x10, 0x1000 }, { 0x100, 0 } };
		for (long[] segment : written) {
			this.client.write(ReplicaLayout.walSegmentPath(GENERATION, segment[0], segment[1]), bytes("segment"));
		}
		assertThat(indicesFrom(0)).containsExactly(0x0L, 0x9L, 0x9L, 0xaL, 0xfL, 0x10L, 0x10L, 0x100L);
		assertThat(indicesFrom(0x9)).containsExactly(0x9L, 0x9L, 0xaL, 0xfL, 0x10L, 0x10L, 0x100L);
		// 0x0a sorts after 0x09 and before 0x10 as a name too: hex digits are lower-case and padded.
		assertThat(indicesFrom(0xa)).containsExactly(0xaL, 0xfL, 0x10L, 0x10L, 0x100L);
		assertThat(indicesFrom(0xb)).containsExactly(0xfL, 0x10L, 0x10L, 0x100L);
		assertThat(indicesFrom(0x10)).containsExactly(0x10L, 0x10L, 0x100L);
		assertThat(indicesFrom(0x101)).isEmpty();
		assertThat(this.client.walSegments(GENERATION, 0x10)).extracting(WalSegmentInfo::offset)
			.containsExactly(0L, 0x1000L, 0L);
	}

	@Test
	void existsIsTrueForObjectsOnly() throws IOException {
		this.client.write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("s"));
		assertThat(this.client.exists(ReplicaLayout.snapshotPath(GENERATION, 0))).isTrue();
		assertThat(this.client.exists(ReplicaLayout.snapshotPath(GENERATION, 1))).isFalse();
		assertThat(this.client.exists(GENERATION_FOLDER + "snapshots")).as("a folder").isFalse();
		assertThat(this.client.exists(GENERATION_FOLDER + "snapshots/")).as("a folder").isFalse();
		assertThat(this.client.exists(ReplicaLayout.snapshotPath(OTHER_GENERATION, 0))).isFalse();
	}

	@Test
	void openingAMissingObjectFailsNamingIt() throws IOException {
		String path = ReplicaLayout.walSegmentPath(GENERATION, 0, 0);
		assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.client.open(path).close())
			.withMessageContaining(path);
		this.client.write(ReplicaLayout.walSegmentPath(GENERATION, 0, 4096), bytes("another"));
		assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.client.open(path).close())
			.withMessageContaining(path);
	}

	@Test
	void deleteRemovesTheObjectsGivenAndIgnoresMissingOnes() throws IOException {
		List<String> paths = List.of(ReplicaLayout.walSegmentPath(GENERATION, 0, 0),
				ReplicaLayout.walSegmentPath(GENERATION, 0, 4096), ReplicaLayout.snapshotPath(GENERATION, 0));
		for (String path : paths) {
			this.client.write(path, bytes(path));
		}
		String kept = ReplicaLayout.walSegmentPath(GENERATION, 1, 0);
		this.client.write(kept, bytes("kept"));
		this.client.delete(List.of());
		this.client.delete(List.of(paths.get(0), paths.get(2), ReplicaLayout.snapshotPath(GENERATION, 7),
				ReplicaLayout.snapshotPath(OTHER_GENERATION, 0)));
		assertThat(this.client.exists(paths.get(0))).isFalse();
		assertThat(this.client.exists(paths.get(2))).isFalse();
		assertThat(this.client.walSegments(GENERATION)).extracting(WalSegmentInfo::path)
			.containsExactly(paths.get(1), kept);
		assertThat(this.client.snapshots(GENERATION)).isEmpty();
		this.client.delete(paths);
		assertThat(this.client.walSegments(GENERATION)).extracting(WalSegmentInfo::path).containsExactly(kept);
	}

	@Test
	void deleteGenerationRemovesEverythingOfItAndNothingElse() throws IOException {
		for (String generation : List.of(GENERATION, OTHER_GENERATION)) {
			this.client.write(ReplicaLayout.snapshotPath(generation, 0), bytes("s"));
			this.client.write(ReplicaLayout.walSegmentPath(generation, 0, 0), bytes("w"));
			this.client.write(ReplicaLayout.walSegmentPath(generation, 1, 0), bytes("w"));
			this.client.write(SnapshotDigest.path(generation, 0), bytes("r"));
			this.client.write(ReplicaLayout.walEndPath(generation, 0), bytes("e"));
		}
		this.client.write(PrimaryLease.PATH, bytes("claim"));
		this.client.deleteGeneration(GENERATION);
		assertThat(this.client.generations()).containsExactly(OTHER_GENERATION);
		assertThat(this.client.snapshots(GENERATION)).isEmpty();
		assertThat(this.client.walSegments(GENERATION)).isEmpty();
		assertThat(this.client.names(ReplicaLayout.recordsFolder(GENERATION))).isEmpty();
		assertThat(this.client.snapshots(OTHER_GENERATION)).hasSize(1);
		assertThat(this.client.walSegments(OTHER_GENERATION)).hasSize(2);
		assertThat(this.client.names(ReplicaLayout.recordsFolder(OTHER_GENERATION))).hasSize(2);
		assertThat(read(PrimaryLease.PATH)).isEqualTo(bytes("claim"));
		// Gone already, or never there: nothing to do.
		this.client.deleteGeneration(GENERATION);
		this.client.deleteGeneration("00000000deadbeef");
		// And written again from scratch, as a generation name is never reused but could be.
		this.client.write(ReplicaLayout.snapshotPath(GENERATION, 0), bytes("again"));
		assertThat(this.client.generations()).containsExactlyInAnyOrder(GENERATION, OTHER_GENERATION);
	}

	@Test
	void removeAbandonedWritesRemovesWhatInterruptedWritesLeftAndNothingElse() throws Exception {
		String snapshot = ReplicaLayout.snapshotPath(GENERATION, 0);
		this.client.write(snapshot, bytes("whole"));
		this.client.write(PrimaryLease.PATH, bytes("claim"));
		leaveAbandonedWrite(ReplicaLayout.snapshotPath(GENERATION, 1));
		leaveAbandonedWrite(ReplicaLayout.snapshotPath(OTHER_GENERATION, 0));
		// Never listed, never there as an object.
		assertThat(this.client.exists(ReplicaLayout.snapshotPath(GENERATION, 1))).isFalse();
		assertThat(this.client.snapshots(GENERATION)).extracting(SnapshotInfo::index).containsExactly(0L);
		assertThat(this.client.names(GENERATION_FOLDER + "snapshots/")).containsExactly("00000000.snapshot.lz4");

		assertThat(this.client.removeAbandonedWrites()).isEqualTo(2);
		assertThat(this.client.removeAbandonedWrites()).as("a second time").isZero();
		assertThat(read(snapshot)).isEqualTo(bytes("whole"));
		assertThat(read(PrimaryLease.PATH)).isEqualTo(bytes("claim"));
	}

	@Test
	void createIfAbsentCreatesOnceAndGivesTheVersionReadsSee() throws IOException {
		String path = PrimaryLease.PATH;
		String version = this.client.createIfAbsent(path, bytes("first"));
		assertThat(version).as("the version of a new object").isNotNull();
		assertThat(this.client.createIfAbsent(path, bytes("second"))).as("a create over an object").isNull();
		VersionedObject read = this.client.readVersioned(path);
		assertThat(read.content()).isEqualTo(bytes("first"));
		assertThat(read.version()).isEqualTo(version);
		assertThat(this.client.names("kiwi/")).containsExactly("primary.lease");

		this.client.delete(List.of(path));
		assertThat(this.client.readVersioned(path)).isNull();
		String again = this.client.createIfAbsent(path, bytes("again"));
		assertThat(again).as("a create once the object was deleted").isNotNull();
		assertThat(this.client.readVersioned(path).version()).isEqualTo(again);
		assertThat(read(path)).isEqualTo(bytes("again"));
	}

	@Test
	void createIfAbsentDoesNotReplaceAPlainWrite() throws IOException {
		this.client.write(PrimaryLease.PATH, bytes("written"));
		assertThat(this.client.createIfAbsent(PrimaryLease.PATH, bytes("created"))).isNull();
		assertThat(read(PrimaryLease.PATH)).isEqualTo(bytes("written"));
	}

	@Test
	void replaceIfVersionReplacesOnlyTheVersionRead() throws IOException {
		String path = PrimaryLease.PATH;
		String first = this.client.createIfAbsent(path, bytes("first"));
		String second = this.client.replaceIfVersion(path, bytes("second"), first);
		assertThat(second).as("a replace of the version read").isNotNull().isNotEqualTo(first);
		assertThat(this.client.replaceIfVersion(path, bytes("third"), first)).as("a replace of a stale version")
			.isNull();
		assertThat(this.client.replaceIfVersion(path, bytes("third"), "\"not-a-version\"")).as("a made-up version")
			.isNull();
		VersionedObject read = this.client.readVersioned(path);
		assertThat(read.content()).isEqualTo(bytes("second"));
		assertThat(read.version()).isEqualTo(second);
		String third = this.client.replaceIfVersion(path, bytes("third"), second);
		assertThat(third).isNotNull();
		assertThat(this.client.readVersioned(path).version()).isEqualTo(third);
		assertThat(read(path)).isEqualTo(bytes("third"));
		// The conditional writes leave no objects of their own beside the one they write.
		assertThat(this.client.names("kiwi/")).containsExactly("primary.lease");
	}

	@Test
	void replaceIfVersionOfAPlainWriteUsesTheVersionRead() throws IOException {
		String path = PrimaryLease.PATH;
		this.client.write(path, bytes("written"));
		VersionedObject read = this.client.readVersioned(path);
		assertThat(this.client.replaceIfVersion(path, bytes("replaced"), read.version())).isNotNull();
		assertThat(read(path)).isEqualTo(bytes("replaced"));
	}

	@Test
	void replaceIfVersionOfAMissingObjectCreatesNothing() throws IOException {
		String path = PrimaryLease.PATH;
		String version = this.client.createIfAbsent(path, bytes("first"));
		this.client.delete(List.of(path));
		assertThat(this.client.replaceIfVersion(path, bytes("second"), version)).as("after a delete").isNull();
		assertThat(this.client.replaceIfVersion("kiwi/never-written", bytes("x"), version)).as("never there").isNull();
		assertThat(this.client.exists(path)).isFalse();
		assertThat(this.client.exists("kiwi/never-written")).isFalse();
		assertThat(this.client.names("kiwi/")).isEmpty();
	}

	/** Many callers create the same object at once, round after round: exactly one wins each round. */
	@Test
	void ofCallersRacingToCreateAnObjectExactlyOneSucceeds() throws Exception {
		ExecutorService racers = Executors.newFixedThreadPool(RACERS);
		try {
			for (int round = 0; round < RACE_ROUNDS; round++) {
				String path = "kiwi/race-" + round;
				List<Callable<String>> attempts = new ArrayList<>();
				for (int racer = 0; racer < RACERS; racer++) {
					byte[] content = bytes("racer " + racer + " of round " + round);
					attempts.add(() -> this.client.createIfAbsent(path, content));
				}
				List<String> versions = race(racers, attempts);
				List<Integer> winners = winners(versions);
				assertThat(winners).as("callers whose create succeeded in round %d", round).hasSize(1);
				int winner = winners.get(0);
				VersionedObject stored = this.client.readVersioned(path);
				assertThat(stored.content()).as("round %d", round)
					.isEqualTo(bytes("racer " + winner + " of round " + round));
				assertThat(stored.version()).isEqualTo(versions.get(winner));
			}
		}
		finally {
			racers.shutdownNow();
		}
	}

	/** Many callers replace the version they all read, round after round: exactly one wins each round. */
	@Test
	void ofCallersRacingToReplaceOneVersionExactlyOneSucceeds() throws Exception {
		String path = PrimaryLease.PATH;
		String version = this.client.createIfAbsent(path, bytes("round -1"));
		ExecutorService racers = Executors.newFixedThreadPool(RACERS);
		try {
			for (int round = 0; round < RACE_ROUNDS; round++) {
				String read = version;
				List<Callable<String>> attempts = new ArrayList<>();
				for (int racer = 0; racer < RACERS; racer++) {
					byte[] content = bytes("racer " + racer + " of round " + round);
					attempts.add(() -> this.client.replaceIfVersion(path, content, read));
				}
				List<String> versions = race(racers, attempts);
				List<Integer> winners = winners(versions);
				assertThat(winners).as("callers whose replace succeeded in round %d", round).hasSize(1);
				int winner = winners.get(0);
				VersionedObject stored = this.client.readVersioned(path);
				assertThat(stored.content()).as("round %d", round)
					.isEqualTo(bytes("racer " + winner + " of round " + round));
				assertThat(stored.version()).isEqualTo(versions.get(winner));
				version = stored.version();
			}
		}
		finally {
			racers.shutdownNow();
		}
	}

	/**
	 * A counter kept by read-then-replace from many threads at once: no increment is lost and none
	 * counted twice, so the final count is exactly the number of replaces that succeeded.
	 */
	@Test
	void aCounterKeptWithConditionalReplacesLosesNoIncrement() throws Exception {
		String path = "kiwi/counter";
		assertThat(this.client.createIfAbsent(path, bytes("0 by nobody"))).isNotNull();
		AtomicInteger succeeded = new AtomicInteger();
		AtomicInteger conflicts = new AtomicInteger();
		ExecutorService racers = Executors.newFixedThreadPool(RACERS);
		try {
			List<Callable<String>> workers = new ArrayList<>();
			for (int racer = 0; racer < RACERS; racer++) {
				int id = racer;
				workers.add(() -> {
					for (int attempt = 0; attempt < INCREMENTS; attempt++) {
						VersionedObject current = this.client.readVersioned(path);
						long count = Long.parseLong(new String(current.content(), StandardCharsets.UTF_8).split(" ")[0]);
						// Unique content each time: a version that repeats would let a stale caller through.
						byte[] next = bytes((count + 1) + " by racer " + id + " attempt " + attempt);
						if (this.client.replaceIfVersion(path, next, current.version()) != null) {
							succeeded.incrementAndGet();
						}
						else {
							conflicts.incrementAndGet();
						}
					}
					return "done";
				});
			}
			race(racers, workers);
		}
		finally {
			racers.shutdownNow();
		}
		long count = Long.parseLong(new String(read(path), StandardCharsets.UTF_8).split(" ")[0]);
		assertThat(count).as("the counter, after %d conflicts", conflicts.get()).isEqualTo(succeeded.get());
		assertThat(succeeded.get() + conflicts.get()).isEqualTo(RACERS * INCREMENTS);
		assertThat(succeeded.get()).as("increments that succeeded").isPositive();
	}

	/**
	 * Creates and stale replaces racing for an object that was just deleted: exactly one create
	 * wins, and a replace of the version from before the delete never does.
	 */
	@Test
	void ofCallersRacingToCreateAnObjectThatWasDeletedExactlyOneSucceeds() throws Exception {
		String path = PrimaryLease.PATH;
		ExecutorService racers = Executors.newFixedThreadPool(RACERS);
		try {
			for (int round = 0; round < RACE_ROUNDS; round++) {
				String old = this.client.createIfAbsent(path, bytes("old " + round));
				this.client.delete(List.of(path));
				List<Callable<String>> attempts = new ArrayList<>();
				for (int racer = 0; racer < RACERS; racer++) {
					byte[] content = bytes("racer " + racer + " of round " + round);
					// Half replace the version from before the delete, which must never succeed.
					attempts.add((racer % 2 == 0) ? () -> this.client.createIfAbsent(path, content)
							: () -> this.client.replaceIfVersion(path, content, old));
				}
				List<String> versions = race(racers, attempts);
				List<Integer> winners = winners(versions);
				assertThat(winners).as("callers that succeeded in round %d", round).hasSize(1);
				assertThat(winners.get(0) % 2).as("the winner creates").isZero();
				assertThat(read(path)).isEqualTo(bytes("racer " + winners.get(0) + " of round " + round));
				this.client.delete(List.of(path));
			}
		}
		finally {
			racers.shutdownNow();
		}
	}

	private List<Long> indicesFrom(long fromIndex) throws IOException {
		return this.client.walSegments(GENERATION, fromIndex).stream().map(WalSegmentInfo::index).toList();
	}

	/** Run {@code attempts} on as many threads, released together; their results in order. */
	private static <T> List<T> race(ExecutorService racers, List<Callable<T>> attempts) throws Exception {
		CyclicBarrier start = new CyclicBarrier(attempts.size());
		List<Future<T>> futures = new ArrayList<>();
		for (Callable<T> attempt : attempts) {
			futures.add(racers.submit(() -> {
				start.await(30, TimeUnit.SECONDS);
				return attempt.call();
			}));
		}
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS));
		}
		return results;
	}

	/** The callers whose conditional write succeeded: those that got a version back. */
	private static List<Integer> winners(List<String> versions) {
		List<Integer> winners = new ArrayList<>();
		for (int i = 0; i < versions.size(); i++) {
			if (versions.get(i) != null) {
				winners.add(i);
			}
		}
		return winners;
	}

	/** The whole content of the object at {@code path}, through {@link ReplicaClient#open}. */
	protected byte[] read(String path) throws IOException {
		try (InputStream in = this.client.open(path)) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			in.transferTo(out);
			return out.toByteArray();
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
