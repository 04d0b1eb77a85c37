package io.kiwistack.db.replication;

/**
 * An object of the replica can't be read with the age keys configured: it is encrypted and no
 * identity is set, or none of the identities is one of its recipients', or it is not encrypted
 * where age is configured. The replica is not damaged; the configuration does not fit it. The
 * message names the object and the property, never a key.
 */
public class ReplicaKeyException extends ReplicaException {

	private final String action;

	ReplicaKeyException(String message, String action, Throwable cause) {
		super(message, cause);
		this.action = action;
	}

	/** What to change in the configuration. */
	public String action() {
		return this.action;
	}

}
