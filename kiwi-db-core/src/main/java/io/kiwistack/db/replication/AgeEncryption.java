package io.kiwistack.db.replication;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encryption of a replica with age (X25519), as Litestream 0.3 does it: every snapshot and log
 * segment is compressed with LZ4 and the compressed bytes are encrypted to the recipients
 * ({@code age1...}), so they leave the machine as age files; the identities
 * ({@code AGE-SECRET-KEY-1...}) decrypt them. kiwi-db encrypts its snapshot digests the same way.
 * Writing needs a recipient, reading an identity; a primary given both can also read back what
 * it shipped, to resume its generation after a restart. Needs the jagged library
 * ({@value #LIBRARY}) on the class path. The identities are secrets: no message, log or
 * {@link #toString()} of kiwi-db shows them.
 */
public final class AgeEncryption {

	/** The library kiwi-db encrypts with, to add to a service that configures age. */
	public static final String LIBRARY = "com.exceptionfactory.jagged:jagged-x25519";

	/** What to do when no identity decrypts an object. */
	static final String IDENTITY_ACTION = "Set kiwi.db.replication.age.identities to the identity (AGE-SECRET-KEY-1..., "
			+ "from the file age-keygen wrote) of a recipient the replica is encrypted to, then start again; "
			+ "the replica needs no repair.";

	private static final byte[] AGE_HEADER = "age-encryption.org/".getBytes(StandardCharsets.US_ASCII);

	private final List<String> recipients;

	private final List<String> identities;

	private AgeEncryption(List<String> recipients, List<String> identities) {
		this.recipients = recipients;
		this.identities = identities;
	}

	/**
	 * Encryption to {@code recipients}, decryption with {@code identities}; each checked.
	 * @param recipients public keys, {@code age1...}; empty for a node that only reads
	 * @param identities private keys, {@code AGE-SECRET-KEY-1...}; empty for a node that only writes
	 * @throws AgeKeyException naming the first malformed key by its place, never by its value
	 * @throws IllegalStateException when the jagged library is not on the class path
	 */
	public static AgeEncryption of(List<String> recipients, List<String> identities) {
		if (!isAvailable()) {
			throw new IllegalStateException("Encrypting replicas with age needs the jagged library: add " + LIBRARY
					+ " to the service's dependencies");
		}
		List<String> checkedRecipients = trimmed(recipients);
		List<String> checkedIdentities = trimmed(identities);
		if (checkedRecipients.isEmpty() && checkedIdentities.isEmpty()) {
			throw new IllegalArgumentException("age encryption needs a recipient to write or an identity to read");
		}
		for (int i = 0; i < checkedRecipients.size(); i++) {
			if (!AgeCipher.isRecipient(checkedRecipients.get(i))) {
				throw new AgeKeyException(AgeKeyException.Kind.RECIPIENT, i);
			}
		}
		for (int i = 0; i < checkedIdentities.size(); i++) {
			if (!AgeCipher.isIdentity(checkedIdentities.get(i))) {
				throw new AgeKeyException(AgeKeyException.Kind.IDENTITY, i);
			}
		}
		return new AgeEncryption(checkedRecipients, checkedIdentities);
	}

	/** Whether the jagged library age encryption needs is on the class path. */
	public static boolean isAvailable() {
		try {
			Class.forName("com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory", false,
					AgeEncryption.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/** Whether this encrypts what it writes: it has a recipient. */
	public boolean canEncrypt() {
		return !this.recipients.isEmpty();
	}

	/** Whether this decrypts what it reads: it has an identity. */
	public boolean canDecrypt() {
		return !this.identities.isEmpty();
	}

	/**
	 * {@code client} with every snapshot, log segment and snapshot digest encrypted as it is
	 * written and decrypted as it is read; other objects (the claim, where a log index ends) pass
	 * as they are. Closing the result closes {@code client}.
	 */
	public ReplicaClient encrypting(ReplicaClient client) {
		return new AgeReplicaClient(client, this);
	}

	List<String> recipients() {
		return this.recipients;
	}

	List<String> identities() {
		return this.identities;
	}

	/** Whether {@code prefix}, the first bytes of an object, start an age file. */
	static boolean isAgeFile(byte[] prefix, int length) {
		return length >= AGE_HEADER.length && Arrays.equals(prefix, 0, AGE_HEADER.length, AGE_HEADER, 0, AGE_HEADER.length);
	}

	/** How many bytes {@link #isAgeFile} needs. */
	static int headerLength() {
		return AGE_HEADER.length;
	}

	/** An age file met where no identity is configured to decrypt it. */
	static ReplicaKeyException noIdentity(ReplicaClient client, String path) {
		return new ReplicaKeyException("Object " + path + " in " + client.describe() + " is encrypted with age, and no "
				+ "identity is configured to decrypt it: set kiwi.db.replication.age.identities to the identity "
				+ "(AGE-SECRET-KEY-1...) of a recipient it was encrypted to", IDENTITY_ACTION, null);
	}


	@Override
	public String toString() {
		return "age (" + count(this.recipients.size(), "recipient") + ", " + count(this.identities.size(), "identity")
				+ ")";
	}

	private static String count(int count, String what) {
		return count + " " + ((count == 1) ? what : what.replaceAll("y$", "ie") + "s");
	}

	private static List<String> trimmed(List<String> keys) {
		List<String> trimmed = new ArrayList<>();
		if (keys != null) {
			for (String key : keys) {
				trimmed.add((key != null) ? key.strip() : "");
			}
		}
		return List.copyOf(trimmed);
	}

}
