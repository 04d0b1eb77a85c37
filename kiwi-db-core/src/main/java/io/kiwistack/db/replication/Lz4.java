package io.kiwistack.db.replication;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * LZ4 frame compression, the format of Litestream's snapshots and segments, with a content
 * checksum so that a damaged object fails to decompress instead of restoring wrong pages.
 */
final class Lz4 {

	private Lz4() {
	}

	static byte[] compress(byte[] data, int offset, int length) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 2));
		try (OutputStream lz4 = newOutput(out, blockSizeFor(length))) {
			lz4.write(data, offset, length);
		}
		return out.toByteArray();
	}

	static void copyCompressed(InputStream in, OutputStream out) throws IOException {
		try (OutputStream lz4 = newOutput(out)) {
			in.transferTo(lz4);
		}
	}

	static InputStream decompress(InputStream compressed) throws IOException {
		return new LZ4FrameInputStream(compressed);
	}

	/**
	 * Open the object at {@code path} and decompress it. An age file found here (a replica
	 * encrypted, read without an identity) fails naming the object and the property to set, where
	 * LZ4 would only say that it is not a frame.
	 */
	static InputStream open(ReplicaClient client, String path) throws IOException {
		BufferedInputStream in = new BufferedInputStream(client.open(path));
		try {
			in.mark(AgeEncryption.headerLength());
			byte[] prefix = in.readNBytes(AgeEncryption.headerLength());
			in.reset();
			if (AgeEncryption.isAgeFile(prefix, prefix.length)) {
				throw AgeEncryption.noIdentity(client, path);
			}
			return decompress(in);
		}
		catch (IOException | RuntimeException ex) {
			in.close();
			throw ex;
		}
	}

	private static OutputStream newOutput(OutputStream out) throws IOException {
		return newOutput(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB);
	}

	private static OutputStream newOutput(OutputStream out, LZ4FrameOutputStream.BLOCKSIZE blockSize) throws IOException {
		return new LZ4FrameOutputStream(out, blockSize, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
				LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
	}

	/**
	 * The smallest block that holds {@code length} bytes, up to 256 KiB. The stream allocates two
	 * buffers of the block's size for every object: for a segment of a few pages, two 4 MiB
	 * arrays, each too large for the young generation's ordinary allocation, would start a
	 * collection several times a second under a steady trickle of commits. Under a heavy one,
	 * segments of a checkpoint's 4 MB each allocated those two as well: among the large arrays
	 * whose concurrent collector cycles took about a fifth of a core beside the writer. A larger block
	 * would compress no better: LZ4 finds matches only within 64 KiB, and blocks are independent.
	 */
	static LZ4FrameOutputStream.BLOCKSIZE blockSizeFor(int length) {
		if (length <= 64 * 1024) {
			return LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB;
		}
		return LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB;
	}

}
