package io.kiwistack.db.autoconfigure.migration;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The data source a migration tool gets instead of kiwi-db's: each connection it lends runs with
 * foreign keys off, as SQLite's procedure for schema changes asks
 * (<a href="https://sqlite.org/lang_altertable.html#otheralter">Making Other Kinds Of Table Schema
 * Changes</a>), checks them with {@code PRAGMA foreign_key_check} before a migration commits, and
 * turns them back on before the connection goes back to the application. The tool's hooks talk to
 * the connection through {@link SchemaChangeConnection}.
 */
public class SchemaChangeDataSource extends DelegatingDataSource {

	private final String tool;

	private final boolean legacyAlterTable;

	/**
	 * @param target kiwi-db's data source
	 * @param tool the migration tool, for messages: {@code Flyway} or {@code Liquibase}
	 * @param legacyAlterTable whether {@code ALTER TABLE ... RENAME} leaves references to the renamed
	 * table alone while the tool runs ({@code PRAGMA legacy_alter_table}), which a tool that renames
	 * the old table before it copies it needs
	 */
	public SchemaChangeDataSource(DataSource target, String tool, boolean legacyAlterTable) {
		super(target);
		this.tool = tool;
		this.legacyAlterTable = legacyAlterTable;
	}

	/**
	 * The kiwi-db primary behind {@code dataSource}, or {@code null} when it is another data source
	 * or a read replica's, which takes its schema from the primary and does not migrate.
	 */
	public static KiwiDataSource primaryBehind(DataSource dataSource) {
		try {
			if (dataSource == null || dataSource instanceof SchemaChangeDataSource
					|| !dataSource.isWrapperFor(KiwiDataSource.class)) {
				return null;
			}
			KiwiDataSource kiwi = dataSource.unwrap(KiwiDataSource.class);
			return (kiwi.settings().replicaOf() == null) ? kiwi : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	@Override
	public Connection getConnection() throws SQLException {
		return SchemaChangeSession.open(obtainTargetDataSource().getConnection(), this.tool, this.legacyAlterTable);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return SchemaChangeSession.open(obtainTargetDataSource().getConnection(username, password), this.tool,
				this.legacyAlterTable);
	}

	@Override
	public String toString() {
		return "SchemaChangeDataSource[" + this.tool + ", " + getTargetDataSource() + "]";
	}

}
