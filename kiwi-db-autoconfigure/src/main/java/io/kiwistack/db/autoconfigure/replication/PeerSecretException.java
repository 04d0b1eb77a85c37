package io.kiwistack.db.autoconfigure.replication;

/**
 * {@code kiwi.db.replication.peer-secret} can't protect the peer endpoints as set: it is too short.
 * Startup stops before the database is touched. The message never holds the secret, nor anything
 * that would narrow a guess at it.
 */
public class PeerSecretException extends RuntimeException {

	private final String action;

	PeerSecretException(String problem, String action) {
		super("Property kiwi.db.replication.peer-secret can't be used: " + problem);
		this.action = action;
	}

	/** What to do about it. */
	public String action() {
		return this.action;
	}

}
