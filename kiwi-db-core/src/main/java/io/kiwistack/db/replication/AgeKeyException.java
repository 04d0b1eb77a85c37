package io.kiwistack.db.replication;

/**
 * An age key given to {@link AgeEncryption} is malformed. The message names the key by its place
 * in its list, never by its value: an identity is a secret, and a malformed one may be a real
 * identity with a typo.
 */
public class AgeKeyException extends IllegalArgumentException {

	private final Kind kind;

	private final int index;

	AgeKeyException(Kind kind, int index) {
		super("The age " + kind.description + " at index " + index + " is not " + kind.expected);
		this.kind = kind;
		this.index = index;
	}

	/** Whether a recipient or an identity is malformed. */
	public Kind kind() {
		return this.kind;
	}

	/** The malformed key's place in its list, from 0. */
	public int index() {
		return this.index;
	}

	/** The two kinds of age key. */
	public enum Kind {

		/** A public key, that objects are encrypted to. */
		RECIPIENT("recipient", "an X25519 recipient (age1... in Bech32, as age-keygen prints it)"),

		/** A private key, that decrypts objects. */
		IDENTITY("identity", "an X25519 identity (AGE-SECRET-KEY-1... in Bech32, as age-keygen writes it)");

		private final String description;

		private final String expected;

		Kind(String description, String expected) {
			this.description = description;
			this.expected = expected;
		}

	}

}
