package io.kiwistack.db.autoconfigure.replication;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PeerSecretException}: what is wrong with the peer secret and how to make one,
 * without showing it.
 */
class PeerSecretFailureAnalyzer extends AbstractFailureAnalyzer<PeerSecretException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PeerSecretException cause) {
		return new FailureAnalysis(cause.getMessage() + ". The database was not opened.", cause.action(), cause);
	}

}
