package io.kiwistack.db.replication;

import java.time.Instant;

/**
 * Another primary holds the replica: two primaries shipping to one replica path would interleave
 * generations and corrupt each other's history, so the second refuses to start.
 */
public class ReplicaLeaseHeldException extends RuntimeException {

	private final String replica;

	private final String holder;

	private final Instant expiresAt;

	public ReplicaLeaseHeldException(String replica, String holder, Instant expiresAt) {
		super("Replica " + replica + " is held by another primary, " + holder + ", until " + expiresAt);
		this.replica = replica;
		this.holder = holder;
		this.expiresAt = expiresAt;
	}

	/** The replica, without secrets. */
	public String replica() {
		return this.replica;
	}

	/** Who holds it: host and process of the other primary. */
	public String holder() {
		return this.holder;
	}

	/** When the other primary's claim expires unless it renews it. */
	public Instant expiresAt() {
		return this.expiresAt;
	}

}
