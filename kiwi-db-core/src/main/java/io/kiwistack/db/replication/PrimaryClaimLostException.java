package io.kiwistack.db.replication;

/**
 * This node held the primary's claim on the replica and another node holds it now (or it was
 * deleted): this node must never ship to that replica again, nor acknowledge another commit.
 */
public class PrimaryClaimLostException extends ReplicaException {

	public PrimaryClaimLostException(String message) {
		super(message);
	}

}
