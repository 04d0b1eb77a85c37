package io.kiwistack.db.autoconfigure;

import io.kiwistack.db.PragmaRejectedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PragmaRejectedException}: the property that asked for the pragma, what SQLite
 * reported instead, and what to change.
 */
class PragmaRejectedFailureAnalyzer extends AbstractFailureAnalyzer<PragmaRejectedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PragmaRejectedException cause) {
		String property = propertyFor(cause.pragma());
		String reported = (cause.actual() != null) ? "it reports '" + cause.actual() + "' instead"
				: "it reports no value, so this SQLite does not know the pragma";
		String description = "SQLite did not take PRAGMA " + cause.pragma() + " = " + cause.requested()
				+ " (property " + property + "): " + reported + ".";
		String action = "Change or remove " + property + ". Some pragmas only take effect on a new database "
				+ "(page_size, auto_vacuum before WAL) and an in-memory database has no WAL; see "
				+ "https://sqlite.org/pragma.html#pragma_" + cause.pragma() + ".";
		return new FailureAnalysis(description, action, cause);
	}

	private static String propertyFor(String pragma) {
		return switch (pragma) {
			case "journal_mode" -> "kiwi.db.journal-mode";
			case "synchronous" -> "kiwi.db.synchronous";
			case "busy_timeout" -> "kiwi.db.busy-timeout";
			case "foreign_keys" -> "kiwi.db.foreign-keys";
			default -> "kiwi.db.pragmas." + pragma;
		};
	}

}
