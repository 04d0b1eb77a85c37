package io.kiwistack.db.replication;

import java.nio.ByteBuffer;

/**
 * The 32-byte header of a SQLite write-ahead log. Its salts change each time SQLite restarts the
 * log from the beginning, which is how a reader tells a new log from frames left over by the old.
 *
 * @param bigEndian whether checksums use big-endian words (magic 0x377f0683)
 * @param pageSize the database page size
 * @param checkpointSequence the checkpoint sequence number
 * @param salt1 the first salt
 * @param salt2 the second salt
 * @param checksum the header's checksum, the seed of the first frame's
 */
record WalHeader(boolean bigEndian, int pageSize, int checkpointSequence, int salt1, int salt2, WalChecksum checksum) {

	static final int SIZE = 32;

	private static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;

	private static final int MAGIC_BIG_ENDIAN = 0x377f0683;

	/**
	 * Read a header, or return {@code null} when the bytes are not a valid one (too short, wrong
	 * magic, bad page size or checksum): for example a log SQLite has not written yet.
	 */
	static WalHeader parse(byte[] data, int offset, int length) {
		if (length < SIZE) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(data, offset, SIZE);
		int magic = buffer.getInt();
		if (magic != MAGIC_LITTLE_ENDIAN && magic != MAGIC_BIG_ENDIAN) {
			return null;
		}
		buffer.getInt();
		int pageSize = buffer.getInt();
		if (pageSize == 1) {
			pageSize = 65536;
		}
		if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
			return null;
		}
		int sequence = buffer.getInt();
		int salt1 = buffer.getInt();
		int salt2 = buffer.getInt();
		WalChecksum stored = new WalChecksum(buffer.getInt(), buffer.getInt());
		boolean bigEndian = magic == MAGIC_BIG_ENDIAN;
		if (!WalChecksum.ZERO.over(data, offset, 24, bigEndian).equals(stored)) {
			return null;
		}
		return new WalHeader(bigEndian, pageSize, sequence, salt1, salt2, stored);
	}

	int frameSize() {
		return WalFrames.FRAME_HEADER_SIZE + this.pageSize;
	}

	boolean sameLogAs(WalHeader other) {
		return other != null && this.salt1 == other.salt1 && this.salt2 == other.salt2
				&& this.pageSize == other.pageSize;
	}

}
