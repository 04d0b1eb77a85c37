package io.kiwistack.db.autoconfigure.migration;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A migration (a Flyway migration, a Liquibase changeset) left rows whose foreign keys reference
 * rows that do not exist. kiwi-db runs migrations with foreign keys off, as SQLite's procedure for
 * schema changes asks, and checks them with {@code PRAGMA foreign_key_check} before the migration
 * commits.
 */
public class MigrationForeignKeyException extends RuntimeException {

	private final String tool;

	private final String migration;

	private final List<ForeignKeyViolation> violations;

	private final long total;

	private final boolean rolledBack;

	/**
	 * @param tool the migration tool, {@code Flyway} or {@code Liquibase}
	 * @param migration the migration, as the tool names it
	 * @param violations the rows described
	 * @param total how many rows break a foreign key in all
	 * @param rolledBack whether the migration's changes are rolled back with this failure
	 */
	public MigrationForeignKeyException(String tool, String migration, List<ForeignKeyViolation> violations,
			long total, boolean rolledBack) {
		super(message(tool, migration, violations, total));
		this.tool = tool;
		this.migration = migration;
		this.violations = List.copyOf(violations);
		this.total = total;
		this.rolledBack = rolledBack;
	}

	private static String message(String tool, String migration, List<ForeignKeyViolation> violations, long total) {
		String rows = violations.stream().map(ForeignKeyViolation::describe).collect(Collectors.joining("; "));
		String more = (total > violations.size()) ? "; and " + (total - violations.size()) + " more" : "";
		return tool + " " + migration + " left " + total
				+ ((total == 1) ? " row that breaks a foreign key: " : " rows that break foreign keys: ") + rows + more;
	}

	/** The migration tool: {@code Flyway} or {@code Liquibase}. */
	public String tool() {
		return this.tool;
	}

	/** The migration, as the tool names it. */
	public String migration() {
		return this.migration;
	}

	/** The first rows found, described. */
	public List<ForeignKeyViolation> violations() {
		return this.violations;
	}

	/** How many rows break a foreign key in all. */
	public long total() {
		return this.total;
	}

	/**
	 * Whether the migration's changes were rolled back; not for one that ran outside a transaction
	 * (a Flyway migration that sets {@code PRAGMA foreign_keys}, a changeset with
	 * {@code runInTransaction: false}).
	 */
	public boolean rolledBack() {
		return this.rolledBack;
	}

}
