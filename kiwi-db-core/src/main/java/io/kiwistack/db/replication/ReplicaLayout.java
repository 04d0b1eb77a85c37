package io.kiwistack.db.replication;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of things in a replica, in Litestream 0.3's layout so that its CLI and kiwi-db can read
 * each other's replicas:
 * {@code generations/<16 hex>/snapshots/<index>.snapshot.lz4} and
 * {@code generations/<16 hex>/wal/<index>_<offset>.wal.lz4}, numbers as 8 lower-case hex digits.
 */
public final class ReplicaLayout {

	/** The top folder of a replica's generations. */
	public static final String GENERATIONS = "generations";

	private static final Pattern SNAPSHOT = Pattern.compile("([0-9a-f]{8})\\.snapshot\\.lz4");

	private static final Pattern WAL_SEGMENT = Pattern.compile("([0-9a-f]{8})_([0-9a-f]{8,16})\\.wal\\.lz4");

	private static final Pattern SNAPSHOT_DIGEST = Pattern.compile("([0-9a-f]{8})\\.snapshot\\.(xxh64|sha256)");

	private static final SecureRandom random = new SecureRandom();

	private ReplicaLayout() {
	}

	/**
	 * A new generation name: 16 hex digits like Litestream's, made of the time in milliseconds and
	 * 16 random bits, so that kiwi-db's generations sort by age even where storage dates objects
	 * to the second only.
	 */
	static String newGeneration() {
		long name = (System.currentTimeMillis() << 16) | (random.nextInt() & 0xffff);
		return String.format("%016x", name);
	}

	public static boolean isGeneration(String name) {
		// By hand, not by the pattern: every position a follower or an acknowledgement names is checked.
		if (name.length() != 16) {
			return false;
		}
		for (int i = 0; i < 16; i++) {
			char c = name.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
		}
		return true;
	}

	/** {@code value} in lower-case hex, at least 8 digits. */
	public static String hex8(long value) {
		// Not String.format: a position is written this way for every part streamed and acknowledged.
		String digits = Long.toHexString(value);
		return (digits.length() >= 8) ? digits : "00000000".substring(digits.length()) + digits;
	}

	static String snapshotName(long index) {
		return hex8(index) + ".snapshot.lz4";
	}

	static String walSegmentName(long index, long offset) {
		return hex8(index) + "_" + hex8(offset) + ".wal.lz4";
	}

	/** The snapshot's index, or -1 when {@code name} is not a snapshot. */
	public static long parseSnapshot(String name) {
		Matcher matcher = SNAPSHOT.matcher(name);
		return matcher.matches() ? Long.parseLong(matcher.group(1), 16) : -1;
	}

	/** The segment's index and offset, or {@code null} when {@code name} is not a segment. */
	public static long[] parseWalSegment(String name) {
		Matcher matcher = WAL_SEGMENT.matcher(name);
		return matcher.matches()
				? new long[] { Long.parseLong(matcher.group(1), 16), Long.parseLong(matcher.group(2), 16) } : null;
	}

	static String snapshotPath(String generation, long index) {
		return GENERATIONS + "/" + generation + "/snapshots/" + snapshotName(index);
	}

	static String walSegmentPath(String generation, long index, long offset) {
		return GENERATIONS + "/" + generation + "/wal/" + walSegmentName(index, offset);
	}

	static String walEndPath(String generation, long index) {
		return GENERATIONS + "/" + generation + "/kiwi/" + hex8(index) + ".wal.end";
	}

	/** The folder of kiwi-db's own records of a generation, beside Litestream's folders. */
	static String recordsFolder(String generation) {
		return GENERATIONS + "/" + generation + "/kiwi/";
	}

	/** The index of the snapshot a digest record belongs to, or -1 when {@code name} is not one. */
	static long parseSnapshotDigest(String name) {
		Matcher matcher = SNAPSHOT_DIGEST.matcher(name);
		return matcher.matches() ? Long.parseLong(matcher.group(1), 16) : -1;
	}

	/** A snapshot's digest record, {@code suffix} naming its hash ({@link SnapshotDigest} chooses it). */
	static String snapshotDigestPath(String generation, long index, String suffix) {
		return GENERATIONS + "/" + generation + "/kiwi/" + hex8(index) + ".snapshot." + suffix;
	}

}
