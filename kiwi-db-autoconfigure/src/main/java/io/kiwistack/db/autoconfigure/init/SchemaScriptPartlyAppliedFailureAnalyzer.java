package io.kiwistack.db.autoconfigure.init;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link SchemaScriptPartlyAppliedException}: which objects a schema script finds and
 * which it misses, why kiwi-db runs it neither whole nor not at all, and the ways out.
 */
class SchemaScriptPartlyAppliedFailureAnalyzer extends AbstractFailureAnalyzer<SchemaScriptPartlyAppliedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SchemaScriptPartlyAppliedException cause) {
		String description = "The schema script " + cause.script() + " creates objects of which the kiwi-db database "
				+ "has " + String.join(", ", cause.present()) + " but not " + String.join(", ", cause.missing())
				+ ". With " + cause.modeProperty() + "=embedded (the default) kiwi-db runs a schema script once, on "
				+ "a database that has none of its objects, and skips it once all of them exist; run again, this "
				+ "one would fail on the objects that exist, and skipped, it would leave the others missing. "
				+ "Usually the script changed after it ran: a library's new version, or an edit of your own.";
		String action = "Create the missing objects with a migration (Flyway or Liquibase) and set "
				+ cause.modeProperty() + "=never. In development, you can instead delete the database file "
				+ "(kiwi.db.path, with its -wal and -shm) so that the script runs on a new database.";
		return new FailureAnalysis(description, action, cause);
	}

}
