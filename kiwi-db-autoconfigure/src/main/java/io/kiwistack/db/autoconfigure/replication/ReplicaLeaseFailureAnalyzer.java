package io.kiwistack.db.autoconfigure.replication;

import io.kiwistack.db.replication.ReplicaLeaseHeldException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ReplicaLeaseHeldException}: which primary holds the replica, until when, and
 * what to do.
 */
class ReplicaLeaseFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaLeaseHeldException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReplicaLeaseHeldException cause) {
		String description = "Replica " + cause.replica() + " (property kiwi.db.replication.url) is held by another "
				+ "primary: " + cause.holder() + ", whose claim lasts until " + cause.expiresAt()
				+ ". Two primaries shipping to one replica would corrupt each other's history, so this one did not start.";
		String action = "Stop the other primary, or, if it crashed on another node, start again after its claim "
				+ "expires (kiwi.db.replication.lease-timeout). A primary restarted on its own database file "
				+ "takes its own claim at once. To replicate a second database, give it its own "
				+ "kiwi.db.replication.url.";
		return new FailureAnalysis(description, action, cause);
	}

}
