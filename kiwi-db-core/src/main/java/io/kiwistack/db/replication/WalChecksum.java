package io.kiwistack.db.replication;

/**
 * SQLite's write-ahead log checksum: two 32-bit sums over 32-bit words, cumulative from the WAL
 * header through every frame, in the byte order the WAL header's magic number names.
 *
 * @param first the first sum
 * @param second the second sum
 */
record WalChecksum(int first, int second) {

	static final WalChecksum ZERO = new WalChecksum(0, 0);

	/**
	 * Continue this checksum over {@code length} bytes (a multiple of 8) of {@code data}.
	 */
	WalChecksum over(byte[] data, int offset, int length, boolean bigEndian) {
		int s0 = this.first;
		int s1 = this.second;
		for (int i = offset; i < offset + length; i += 8) {
			s0 += word(data, i, bigEndian) + s1;
			s1 += word(data, i + 4, bigEndian) + s0;
		}
		return new WalChecksum(s0, s1);
	}

	private static int word(byte[] data, int at, boolean bigEndian) {
		if (bigEndian) {
			return ((data[at] & 0xff) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8)
					| (data[at + 3] & 0xff);
		}
		return ((data[at + 3] & 0xff) << 24) | ((data[at + 2] & 0xff) << 16) | ((data[at + 1] & 0xff) << 8)
				| (data[at] & 0xff);
	}

}
