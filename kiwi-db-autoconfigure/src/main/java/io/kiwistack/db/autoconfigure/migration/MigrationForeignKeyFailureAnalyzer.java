package io.kiwistack.db.autoconfigure.migration;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link MigrationForeignKeyException}: which migration left which rows, why kiwi-db
 * checks, and how to fix the migration.
 */
class MigrationForeignKeyFailureAnalyzer extends AbstractFailureAnalyzer<MigrationForeignKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MigrationForeignKeyException cause) {
		String description = cause.getMessage() + ".\n\nkiwi-db runs " + cause.tool()
				+ " migrations with foreign keys off, as SQLite's procedure for schema changes asks "
				+ "(https://sqlite.org/lang_altertable.html#otheralter), and checks them with PRAGMA foreign_key_check "
				+ "before each migration commits. "
				+ (cause.rolledBack() ? "This " + noun(cause) + " was rolled back: the database is as it was before it."
						: "This " + noun(cause) + " ran outside a transaction, so its changes were kept.");
		String action = "Fix " + cause.tool() + " " + cause.migration() + " so that every row it leaves references "
				+ "an existing row: delete or update the rows it orphans, or insert the rows they reference, in the same "
				+ noun(cause) + ". While migrations run, foreign keys are off, so ON DELETE CASCADE and ON DELETE SET NULL "
				+ "do not act: change the referencing rows explicitly. "
				+ (cause.rolledBack() ? "Then restart the application."
						: "It ran outside a transaction and " + cause.tool() + " has not recorded it as applied, so it runs "
								+ "again at the next start: repair the rows it left by hand too (PRAGMA foreign_key_check "
								+ "lists them), then restart the application.")
				+ " Foreign keys stay enforced for the application (kiwi.db.foreign-keys).";
		return new FailureAnalysis(description, action, cause);
	}

	private static String noun(MigrationForeignKeyException cause) {
		return "Liquibase".equals(cause.tool()) ? "changeset" : "migration";
	}

}
