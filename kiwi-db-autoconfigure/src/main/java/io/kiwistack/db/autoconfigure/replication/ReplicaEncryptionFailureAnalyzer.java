package io.kiwistack.db.autoconfigure.replication;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ReplicaEncryptionException}: which {@code kiwi.db.replication.age} property is
 * wrong and how to fix it, without showing any key's value.
 */
class ReplicaEncryptionFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaEncryptionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReplicaEncryptionException cause) {
		String description = "kiwi-db can't encrypt its replica as configured (" + cause.getMessage()
				+ "). Nothing was read from or written to the replica, and the database was not opened.";
		return new FailureAnalysis(description, cause.action(), cause);
	}

}
