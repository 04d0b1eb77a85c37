package io.kiwistack.db.replication;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SQLite's write-ahead log checksum: two 32-bit sums over 32-bit words, cumulative from the WAL
 * header through every frame, in the byte order the WAL header's magic number names.
 *
 * @param first the first sum
 * @param second the second sum
 */
record WalChecksum(int first, int second) {

	static final WalChecksum ZERO = new WalChecksum(0, 0);

	private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.BIG_ENDIAN);

	private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.LITTLE_ENDIAN);

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
		// One 4-byte load instead of four byte loads and shifts: the log is checksummed as it ships.
		// Each get cast where it is called: a VarHandle call's type is taken from its call site, and
		// without the cast there it would return a boxed Object.
		return bigEndian ? (int) BIG_ENDIAN_INT.get(data, at) : (int) LITTLE_ENDIAN_INT.get(data, at);
	}

}
