package io.kiwistack.db.autoconfigure;

import java.util.Set;

import io.kiwistack.db.PragmaRejectedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PragmaRejectedException}: the property that asked for the pragma, what SQLite
 * reported instead, and what to change. A pragma SQLite does not know gets the known one it most
 * likely meant, from SQLite's own list, and a link to the pragma page rather than to an anchor
 * that does not exist.
 */
class PragmaRejectedFailureAnalyzer extends AbstractFailureAnalyzer<PragmaRejectedException> {

	private static final String PRAGMA_PAGE = "https://sqlite.org/pragma.html";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PragmaRejectedException cause) {
		String pragma = cause.pragma();
		String property = propertyFor(pragma);
		Set<String> known = cause.knownPragmas();
		String start = "SQLite did not take PRAGMA " + pragma + " = " + cause.requested() + " (property " + property + "): ";
		if (cause.actual() != null) {
			return new FailureAnalysis(start + "it reports '" + cause.actual() + "' instead.", "Change or remove "
					+ property + ". Some pragmas only take effect on a new database (page_size, auto_vacuum before WAL) "
					+ "and an in-memory database has no WAL; see " + PRAGMA_PAGE + "#pragma_" + pragma + ".", cause);
		}
		if (known.contains(pragma)) {
			return new FailureAnalysis(start + "it reports no value for it, so kiwi-db can't check that it holds.",
					"Remove " + property + ": kiwi.db.pragmas holds settings that SQLite reports back, and PRAGMA "
							+ pragma + " is not one (see " + PRAGMA_PAGE + "#pragma_" + pragma + ").",
					cause);
		}
		String didYouMean = NearestName.among(pragma, known)
			.map((nearest) -> "Did you mean '" + nearest + "' (property " + propertyFor(nearest) + ")? ")
			.orElse("");
		return new FailureAnalysis(start + "it reports no value, so this SQLite does not know the pragma.",
				didYouMean + "Change or remove " + property + "; the pragmas SQLite knows are listed at " + PRAGMA_PAGE
						+ ".",
				cause);
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
