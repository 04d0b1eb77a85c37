package io.kiwistack.db.replication;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot records' hash: XXH64 with seed 0, as eight big-endian bytes, the same however the
 * content is fed in, and fresh again after each value.
 */
class Xxh64DigestTests {

	@Test
	void theHashOfNothingIsXxh64sPublishedValue() {
		assertThat(HexFormat.of().formatHex(new Xxh64Digest().digest())).isEqualTo("ef46db3751d8e999");
	}

	@Test
	void contentFedInPiecesHashesAsInOneAndTheDigestStartsAgainAfterEachValue() {
		byte[] content = new byte[1 << 20];
		new Random(7).nextBytes(content);
		MessageDigest digest = new Xxh64Digest();
		byte[] whole = digest.digest(content);
		for (int offset = 0; offset < content.length;) {
			int length = Math.min(content.length - offset, 1 + (offset % 65_537));
			digest.update(content, offset, length);
			offset += length;
		}
		assertThat(digest.digest()).isEqualTo(whole).hasSize(8);
		digest.update(content[0]);
		assertThat(digest.digest()).isEqualTo(new Xxh64Digest().digest(new byte[] { content[0] }));
		assertThat(new Xxh64Digest().digest(content)).isEqualTo(whole);
	}

}
