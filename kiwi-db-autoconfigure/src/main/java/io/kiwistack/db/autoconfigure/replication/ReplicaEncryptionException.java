package io.kiwistack.db.autoconfigure.replication;

/**
 * {@code kiwi.db.replication.age.*} can't encrypt or decrypt the replica as configured: a key is
 * malformed, or the jagged library is missing. Startup stops
 * before the database or the replica is touched. The message names the property, never an
 * identity's value.
 */
public class ReplicaEncryptionException extends RuntimeException {

	private final String property;

	private final String action;

	ReplicaEncryptionException(String property, String problem, String action) {
		super(property + ": " + problem);
		this.property = property;
		this.action = action;
	}

	/** The property at fault, with the index of the key in its list where one is. */
	public String property() {
		return this.property;
	}

	/** What to do about it. */
	public String action() {
		return this.action;
	}

}
