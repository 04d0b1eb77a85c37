package io.kiwistack.db.replication;

import java.security.MessageDigest;

import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * XXH64 (seed 0) as a {@link MessageDigest}, its value as eight big-endian bytes, so that it
 * fits where a digest goes: a {@code DigestInputStream} while a snapshot is shipped, the copy's
 * hasher thread while one is restored. lz4-java's Java XXH64 hashes about eight times faster than
 * the JDK's SHA-256 here (1.37 GB in 110 ms against 870 ms), as fast as its native one, and holds
 * no native state that a digest, which is never closed, would leave to the collector.
 */
final class Xxh64Digest extends MessageDigest {

	private static final XXHashFactory FACTORY = XXHashFactory.fastestJavaInstance();

	private final StreamingXXHash64 hash = FACTORY.newStreamingHash64(0);

	Xxh64Digest() {
		super("XXH64");
	}

	@Override
	protected void engineUpdate(byte input) {
		this.hash.update(new byte[] { input }, 0, 1);
	}

	@Override
	protected void engineUpdate(byte[] input, int offset, int length) {
		this.hash.update(input, offset, length);
	}

	@Override
	protected byte[] engineDigest() {
		long value = this.hash.getValue();
		engineReset();
		byte[] bytes = new byte[Long.BYTES];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) (value >>> (56 - 8 * i));
		}
		return bytes;
	}

	@Override
	protected int engineGetDigestLength() {
		return Long.BYTES;
	}

	@Override
	protected void engineReset() {
		this.hash.reset();
	}

}
