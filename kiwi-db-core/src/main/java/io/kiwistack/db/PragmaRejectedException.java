package io.kiwistack.db;

import java.util.Set;

/**
 * SQLite did not take a pragma kiwi-db was configured with: reading it back after setting it gave
 * another value, or none because SQLite does not know it. Raised when the connection opens, so a
 * setting is never silently replaced by SQLite's default.
 */
public class PragmaRejectedException extends RuntimeException {

	private final String pragma;

	private final String requested;

	private final String actual;

	private final Set<String> knownPragmas;

	public PragmaRejectedException(String pragma, String requested, String actual) {
		this(pragma, requested, actual, Set.of());
	}

	public PragmaRejectedException(String pragma, String requested, String actual, Set<String> knownPragmas) {
		super(describe(pragma, requested, actual, knownPragmas));
		this.pragma = pragma;
		this.requested = requested;
		this.actual = actual;
		this.knownPragmas = Set.copyOf(knownPragmas);
	}

	private static String describe(String pragma, String requested, String actual, Set<String> knownPragmas) {
		if (actual == null && knownPragmas.contains(pragma)) {
			return "SQLite did not take PRAGMA " + pragma + " = " + requested
					+ ": reading it back gives nothing, so kiwi-db can't check that it holds";
		}
		if (actual == null) {
			return "SQLite did not take PRAGMA " + pragma + " = " + requested
					+ ": reading it back gives nothing, so this SQLite does not know the pragma";
		}
		return "SQLite did not take PRAGMA " + pragma + " = " + requested + ": it reports " + actual;
	}

	/** The pragma's name, in lower case. */
	public String pragma() {
		return this.pragma;
	}

	/** The value kiwi-db asked for. */
	public String requested() {
		return this.requested;
	}

	/** The value SQLite reports, or {@code null} when it reports none. */
	public String actual() {
		return this.actual;
	}

	/**
	 * The pragmas this SQLite knows ({@code PRAGMA pragma_list}) when it reported no value, for
	 * telling a misspelt name from a pragma that reports nothing; empty when it reported a value or
	 * can't list them.
	 */
	public Set<String> knownPragmas() {
		return this.knownPragmas;
	}

}
