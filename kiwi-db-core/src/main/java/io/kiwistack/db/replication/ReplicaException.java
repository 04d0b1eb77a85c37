package io.kiwistack.db.replication;

/**
 * A replica could not be read, written or restored; the message names the object or the
 * replica and what is wrong with it.
 */
public class ReplicaException extends RuntimeException {

	public ReplicaException(String message) {
		super(message);
	}

	public ReplicaException(String message, Throwable cause) {
		super(message, cause);
	}

}
