package io.kiwistack.db.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link MissingPropertyException}: the property, why this configuration needs it, and
 * how to set it.
 */
class MissingPropertyFailureAnalyzer extends AbstractFailureAnalyzer<MissingPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingPropertyException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
