package io.kiwistack.db.autoconfigure.migration;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a migration tool's hooks tell the connection a {@link SchemaChangeDataSource} lent it; reach
 * it with {@code connection.unwrap(SchemaChangeConnection.class)}.
 */
public interface SchemaChangeConnection {

	/**
	 * A migration runs: the next commit checks foreign keys first, unless a rollback comes before it.
	 * Call it again as the migration goes on, when the tool may roll back before it changes anything.
	 * @param migration the migration, as the tool names it, for the error message
	 * @param transactional whether the migration runs in a transaction (a violation then rolls it back)
	 */
	void migrationStarting(String migration, boolean transactional);

	/**
	 * Check foreign keys now, inside the running migration's transaction if it has one, when they
	 * were enforced before the tool borrowed the connection.
	 * @param migration the migration, as the tool names it, for the error message
	 * @throws MigrationForeignKeyException when rows break a foreign key; it says whether a
	 * transaction was open, which the failure then rolls back
	 */
	void checkForeignKeys(String migration) throws SQLException;

	/**
	 * Whether {@code ALTER TABLE ... RENAME} leaves references to the renamed table alone
	 * ({@code PRAGMA legacy_alter_table}) for the next statements; {@code false} restores what the
	 * connection had when it was lent.
	 */
	void useLegacyAlterTable(boolean legacy) throws SQLException;

	/** The connection this one runs on. */
	Connection target();

}
