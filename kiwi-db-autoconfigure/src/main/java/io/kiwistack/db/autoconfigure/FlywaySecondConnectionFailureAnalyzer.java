package io.kiwistack.db.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link FlywaySecondConnectionException}: which property to remove, and why Flyway
 * needs no connection settings of its own with kiwi-db.
 */
class FlywaySecondConnectionFailureAnalyzer extends AbstractFailureAnalyzer<FlywaySecondConnectionException> {

	private static final java.util.List<String> CONNECTION_PROPERTIES = java.util.List.of("spring.flyway.url",
			"spring.flyway.user", "spring.flyway.password");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, FlywaySecondConnectionException cause) {
		String description = "Property '" + cause.property() + "' is set, so Flyway would open its own connection to "
				+ "the database beside kiwi-db's single writer connection. SQLite allows one writer at a time, and "
				+ "migrations would then race the application for it.";
		String others = String.join(" and ",
				CONNECTION_PROPERTIES.stream().filter((name) -> !name.equals(cause.property())).toList());
		String action = "Remove '" + cause.property() + "' (and " + others + ", where set) from your configuration. "
				+ "Flyway migrates through the kiwi-db DataSource without them; set kiwi.db.path to choose the "
				+ "database file.";
		return new FailureAnalysis(description, action, cause);
	}

}
