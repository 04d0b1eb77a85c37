package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A small record kiwi-db writes beside each snapshot, outside Litestream's folders: the
 * generation, the index and the SHA-256 of the uncompressed database. Restore checks it, so a
 * snapshot copied in from another generation or database is refused instead of restored.
 */
final class SnapshotDigest {

	private SnapshotDigest() {
	}

	static MessageDigest newDigest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	static byte[] record(String generation, long index, byte[] sha256) {
		return (generation + " " + ReplicaLayout.hex8(index) + " " + HexFormat.of().formatHex(sha256) + "\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Check a snapshot against its record.
	 * @return a description of the mismatch, or {@code null} when it matches
	 */
	static String mismatch(InputStream record, String generation, long index, byte[] sha256) throws IOException {
		String expected = new String(record(generation, index, sha256), StandardCharsets.US_ASCII).trim();
		String actual = new String(record.readNBytes(200), StandardCharsets.US_ASCII).trim();
		if (expected.equals(actual)) {
			return null;
		}
		String[] parts = actual.split(" ");
		if (parts.length == 3 && !parts[0].equals(generation)) {
			return "it was recorded for generation " + parts[0] + ", not " + generation;
		}
		return "its content does not match the SHA-256 recorded when it was written";
	}

}
