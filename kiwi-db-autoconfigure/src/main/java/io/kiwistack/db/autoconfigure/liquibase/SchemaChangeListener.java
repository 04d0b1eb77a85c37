package io.kiwistack.db.autoconfigure.liquibase;

import java.sql.Connection;
import java.sql.SQLException;

import io.kiwistack.db.autoconfigure.migration.SchemaChangeConnection;
import liquibase.change.AbstractSQLChange;
import liquibase.change.Change;
import liquibase.change.core.RenameTableChange;
import liquibase.change.custom.CustomChangeWrapper;
import liquibase.changelog.ChangeSet;
import liquibase.changelog.DatabaseChangeLog;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.database.Database;
import liquibase.database.jvm.JdbcConnection;

/**
 * Tells the connection a {@link io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource}
 * lent Liquibase which changeset runs, so that its commit checks foreign keys first, and which
 * change: Liquibase rebuilds a table on SQLite by renaming it to {@code <table>_temporary},
 * creating it anew, copying the rows and dropping the renamed one, the order SQLite's page calls
 * incorrect. With foreign keys off, only {@code PRAGMA legacy_alter_table=ON} keeps that rename
 * from pointing other tables' foreign keys, triggers and views at the temporary table. A
 * {@code renameTable} change, and SQL of the changelog's own, rename with SQLite's usual behaviour,
 * which carries references along.
 */
class SchemaChangeListener extends AbstractChangeExecListener {

	@Override
	public void willRun(Change change, ChangeSet changeSet, DatabaseChangeLog changeLog, Database database) {
		SchemaChangeConnection connection = connection(database);
		if (connection == null) {
			return;
		}
		// Announced with each change, not once per changeset: Liquibase rolls back after checking a
		// changeset's preconditions, and a rollback ends what was announced before it.
		connection.migrationStarting("changeset " + changeSet.toString(false), changeSet.isRunInTransaction());
		boolean ownRename = change instanceof RenameTableChange || change instanceof AbstractSQLChange
				|| change instanceof CustomChangeWrapper;
		try {
			connection.useLegacyAlterTable(!ownRename);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not set PRAGMA legacy_alter_table for " + change.getDescription(), ex);
		}
	}

	private static SchemaChangeConnection connection(Database database) {
		if (!(database.getConnection() instanceof JdbcConnection jdbc)) {
			return null;
		}
		Connection connection = jdbc.getUnderlyingConnection();
		try {
			return (connection != null && connection.isWrapperFor(SchemaChangeConnection.class))
					? connection.unwrap(SchemaChangeConnection.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

}
