package io.kiwistack.db.replication;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;

/**
 * A fresh age X25519 key pair for a test, as {@code age-keygen} would print it.
 *
 * @param recipient the public key, {@code age1...}
 * @param identity the private key, {@code AGE-SECRET-KEY-1...}
 */
record AgeKeyPair(String recipient, String identity) {

	static AgeKeyPair generate() throws GeneralSecurityException {
		KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
		return new AgeKeyPair(pair.getPublic().toString(), pair.getPrivate().toString());
	}

	/** Encryption that writes to this pair's recipient and reads with its identity. */
	AgeEncryption both() {
		return AgeEncryption.of(List.of(this.recipient), List.of(this.identity));
	}

	/** Encryption that only writes: what a primary given no identity has. */
	AgeEncryption recipientOnly() {
		return AgeEncryption.of(List.of(this.recipient), List.of());
	}

	/** Decryption only: what a node that only restores or follows needs. */
	AgeEncryption identityOnly() {
		return AgeEncryption.of(List.of(), List.of(this.identity));
	}

}
