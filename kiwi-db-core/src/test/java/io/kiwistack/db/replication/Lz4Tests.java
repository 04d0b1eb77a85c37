package io.kiwistack.db.replication;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;

import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object compresses with the smallest block that holds it (at most 256 KiB), and every size decompresses to
 * exactly what went in, across the block sizes' edges.
 */
class Lz4Tests {

	@Test
	void theBlockIsTheSmallestThatHoldsTheObjectUpTo256KiB() {
		assertThat(Lz4.blockSizeFor(4120)).isEqualTo(LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB);
		assertThat(Lz4.blockSizeFor(64 * 1024)).isEqualTo(LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB);
		assertThat(Lz4.blockSizeFor(64 * 1024 + 1)).isEqualTo(LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB);
		assertThat(Lz4.blockSizeFor(1024 * 1024)).isEqualTo(LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB);
		// No larger: two buffers of a larger block are too large for the young generation.
		assertThat(Lz4.blockSizeFor(64 * 1024 * 1024)).isEqualTo(LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 4120, 65536, 65537, 262144, 262145, 1048577, 9 * 1024 * 1024 + 7 })
	void everySizeDecompressesToWhatWentIn(int length) throws Exception {
		byte[] data = new byte[length];
		new Random(length).nextBytes(data);
		// Half of it compressible, as pages of a database are.
		for (int i = 0; i < length / 2; i++) {
			data[i] = (byte) (i % 7);
		}
		byte[] compressed = Lz4.compress(data, 0, length);
		try (InputStream in = Lz4.decompress(new ByteArrayInputStream(compressed))) {
			assertThat(in.readAllBytes()).isEqualTo(data);
		}
	}

}
