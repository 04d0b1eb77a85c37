package io.kiwistack.db.replication;

import java.time.Duration;

import io.kiwistack.db.KiwiDbSettings;

/**
 * How a node in {@code auto} mode runs each of its roles: the database's settings as a primary and
 * as a read replica (the same file, reopened when the role changes), how it ships as a primary and
 * follows as a replica, and how it reaches its peers.
 *
 * @param asPrimary the database's settings while this node is the primary
 * @param asReplica the database's settings while it follows
 * @param shipping how the primary ships; its lease timeout is also how long a claim must stand still
 * before a candidate takes it
 * @param pollInterval how often a replica reads storage, and a candidate the claim
 * @param maxLag how far behind a replica may fall before it is unhealthy
 * @param unhealthyAfter how long a primary's shipping may fail before it is unhealthy
 * @param allowOlderGeneration whether a restore may fall back to an older generation
 * @param peers the shared secret and this node's advertise URL
 * @param commitAck when a commit returns while this node is the primary
 */
public record AutoSettings(KiwiDbSettings asPrimary, KiwiDbSettings asReplica, ReplicationSettings shipping,
		Duration pollInterval, Duration maxLag, Duration unhealthyAfter, boolean allowOlderGeneration,
		PeerSettings peers, CommitAck commitAck) {

	public AutoSettings {
		if (peers == null || peers.advertiseUrl() == null) {
			throw new IllegalArgumentException("A node in auto mode needs a peer secret and an advertise URL");
		}
	}

	Duration leaseTimeout() {
		return this.shipping.leaseTimeout();
	}

}
