package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A small record kiwi-db writes beside each snapshot, outside Litestream's folders: the
 * generation, the index and a hash of the uncompressed database. Restore checks it, so a
 * snapshot copied in from another generation or database is refused instead of restored.
 * <p>
 * The hash is XXH64, in {@code <index>.snapshot.xxh64}. It tells a mix-up, not an attack: whoever
 * can replace a snapshot can replace its record too, and damage fails the LZ4 frame's own checksum
 * first. A different database passes 64 bits by chance once in 2^64 restores, and the hash costs an
 * eighth of SHA-256's CPU on the restore's path. Records kiwi-db wrote before hold a SHA-256, in
 * {@code <index>.snapshot.sha256}; they are still found and checked.
 */
final class SnapshotDigest {

	private SnapshotDigest() {
	}

	/** The digest of snapshots written now. */
	static MessageDigest newDigest() {
		return Algorithm.XXH64.newDigest();
	}

	/** The record of a snapshot written now, whose uncompressed database hashed to {@code hash}. */
	static byte[] record(String generation, long index, byte[] hash) {
		return line(generation, index, hash).getBytes(StandardCharsets.US_ASCII);
	}

	/** Where the record of a snapshot written now goes. */
	static String path(String generation, long index) {
		return ReplicaLayout.snapshotDigestPath(generation, index, Algorithm.XXH64.suffix);
	}

	/** Every path a record of the snapshot may have, now's and before's, for deleting it. */
	static List<String> paths(String generation, long index) {
		return Arrays.stream(Algorithm.values())
			.map((algorithm) -> ReplicaLayout.snapshotDigestPath(generation, index, algorithm.suffix))
			.toList();
	}

	/** Whether the snapshot's record is in the replica, in either form. */
	static boolean isRecorded(ReplicaClient client, String generation, long index) throws IOException {
		return find(client, generation, index).isPresent();
	}

	/**
	 * The snapshot's record in the replica, found but not yet read; empty when it has none (a
	 * generation that Litestream wrote, or one whose first segments are not shipped yet).
	 */
	static Optional<Recorded> find(ReplicaClient client, String generation, long index) throws IOException {
		for (Algorithm algorithm : Algorithm.values()) {
			String path = ReplicaLayout.snapshotDigestPath(generation, index, algorithm.suffix);
			if (client.exists(path)) {
				return Optional.of(new Recorded(algorithm, path, generation, index));
			}
		}
		return Optional.empty();
	}

	private static String line(String generation, long index, byte[] hash) {
		return generation + " " + ReplicaLayout.hex8(index) + " " + HexFormat.of().formatHex(hash) + "\n";
	}

	/**
	 * A snapshot's record in a replica.
	 *
	 * @param algorithm the hash it holds
	 * @param path where it is
	 * @param generation the generation whose snapshot it should describe
	 * @param index that snapshot's index
	 */
	record Recorded(Algorithm algorithm, String path, String generation, long index) {

		/** A new digest of the record's algorithm, to hash the snapshot with. */
		MessageDigest newDigest() {
			return this.algorithm.newDigest();
		}

		/**
		 * Read the record and check the snapshot's hash against it.
		 * @return a description of the mismatch, or {@code null} when it matches
		 */
		String mismatch(ReplicaClient client, byte[] hash) throws IOException {
			String content;
			try (InputStream in = client.open(this.path)) {
				content = new String(in.readNBytes(200), StandardCharsets.US_ASCII).trim();
			}
			if (line(this.generation, this.index, hash).trim().equals(content)) {
				return null;
			}
			String[] parts = content.split(" ");
			if (parts.length == 3 && !parts[0].equals(this.generation)) {
				return "it was recorded for generation " + parts[0] + ", not " + this.generation;
			}
			return "its content does not match the " + this.algorithm.displayName + " recorded when it was written";
		}

	}

	/** The hashes a record may hold, the one written now first. */
	enum Algorithm {

		XXH64("xxh64", "XXH64"),

		SHA256("sha256", "SHA-256");

		/** The record's name after {@code <index>.snapshot.}. */
		final String suffix;

		final String displayName;

		Algorithm(String suffix, String displayName) {
			this.suffix = suffix;
			this.displayName = displayName;
		}

		MessageDigest newDigest() {
			if (this == XXH64) {
				return new Xxh64Digest();
			}
			try {
				return MessageDigest.getInstance(this.displayName);
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(this.displayName + " is missing from this JVM", ex);
			}
		}

	}

}
