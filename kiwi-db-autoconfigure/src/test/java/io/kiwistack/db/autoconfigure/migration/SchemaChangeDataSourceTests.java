package io.kiwistack.db.autoconfigure.migration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link SchemaChangeDataSource} over a real kiwi-db database: what a migration tool's connection
 * runs with, what its commits check, and what the application's writer is left with afterwards.
 */
class SchemaChangeDataSourceTests {

	@TempDir
	Path dir;

	private final List<KiwiDbDataSource> opened = new ArrayList<>();

	@AfterEach
	void close() throws SQLException {
		for (KiwiDbDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	@Test
	void aLentConnectionRunsWithForeignKeysOffAndTheWriterGetsThemBackOn() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			assertThat(pragma(migration, "foreign_keys")).isZero();
			assertThat(pragma(migration, "legacy_alter_table")).isZero();
		}
		assertWriterAsConfigured(kiwi, 1);
	}

	@Test
	void legacyAlterTableIsOnWhenAskedForAndOffAgainAfterwards() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Liquibase", true).getConnection()) {
			assertThat(pragma(migration, "legacy_alter_table")).isOne();
			SchemaChangeConnection hooks = migration.unwrap(SchemaChangeConnection.class);
			hooks.useLegacyAlterTable(false);
			assertThat(pragma(migration, "legacy_alter_table")).isZero();
			hooks.useLegacyAlterTable(true);
			assertThat(pragma(migration, "legacy_alter_table")).isOne();
		}
		assertWriterAsConfigured(kiwi, 1);
	}

	@Test
	void aMigrationThatLeavesAnOrphanFailsAtItsCommitAndIsRolledBack() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Liquibase", true).getConnection()) {
			migration.setAutoCommit(false);
			migration.unwrap(SchemaChangeConnection.class).migrationStarting("changeset orphans.yaml::3::kiwi", true);
			execute(migration, "INSERT INTO orders (id, customer_id) VALUES (2, 42)");
			execute(migration, "INSERT INTO orders (id, customer_id) VALUES (3, 43)");
			assertThatExceptionOfType(MigrationForeignKeyException.class).isThrownBy(migration::commit)
				.withMessage("Liquibase changeset orphans.yaml::3::kiwi left 2 rows that break foreign keys: "
						+ "orders row 2 (customer_id = 42) references customer (id), which has no such row; "
						+ "orders row 3 (customer_id = 43) references customer (id), which has no such row")
				.satisfies((ex) -> {
					assertThat(ex.tool()).isEqualTo("Liquibase");
					assertThat(ex.total()).isEqualTo(2);
					assertThat(ex.rolledBack()).isTrue();
					assertThat(ex.violations()).first()
						.isEqualTo(new ForeignKeyViolation("orders", 2L, "customer", List.of("customer_id"),
								List.of("id"), List.of("42"), true));
				});
		}
		assertThat(rows(kiwi, "SELECT id FROM orders")).containsExactly("1");
		assertWriterAsConfigured(kiwi, 1);
	}

	@Test
	void aCheckNamesAMissingParentTableAndCountsWhatItDoesNotDescribe() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			execute(migration, "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER "
					+ "REFERENCES customer_temporary (id))");
			execute(migration, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12) "
					+ "INSERT INTO orders (id, customer_id) SELECT i, i FROM n");
			assertThatExceptionOfType(MigrationForeignKeyException.class)
				.isThrownBy(() -> migration.unwrap(SchemaChangeConnection.class)
					.checkForeignKeys("migration 2 \"rename\" (V2__rename.sql)"))
				.withMessageStartingWith("Flyway migration 2 \"rename\" (V2__rename.sql) left 12 rows that break "
						+ "foreign keys: orders row 1 (customer_id = 1) references customer_temporary (id), "
						+ "a table that does not exist; orders row 2 ")
				.withMessageEndingWith("; orders row 10 (customer_id = 10) references customer_temporary (id), "
						+ "a table that does not exist; and 2 more")
				.satisfies((ex) -> assertThat(ex.rolledBack()).as("rolled back").isFalse());
		}
	}

	@Test
	void aCheckInsideAnOpenTransactionSaysTheFailureRollsItBack() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			migration.setAutoCommit(false);
			execute(migration, "DELETE FROM customer");
			assertThatExceptionOfType(MigrationForeignKeyException.class)
				.isThrownBy(() -> migration.unwrap(SchemaChangeConnection.class)
					.checkForeignKeys("migration 3 \"forget\" (V3__forget.sql)"))
				.satisfies((ex) -> assertThat(ex.rolledBack()).as("rolled back").isTrue());
			// Auto-commit off again after statements that ran in auto-commit mode, as Flyway leaves a
			// migration it ran outside a transaction: no transaction has begun.
			migration.rollback();
			migration.setAutoCommit(true);
			execute(migration, "DELETE FROM customer");
			migration.setAutoCommit(false);
			assertThatExceptionOfType(MigrationForeignKeyException.class)
				.isThrownBy(() -> migration.unwrap(SchemaChangeConnection.class)
					.checkForeignKeys("migration 3 \"forget\" (V3__forget.sql)"))
				.satisfies((ex) -> assertThat(ex.rolledBack()).as("rolled back").isFalse());
		}
	}

	@Test
	void aCommitNoHookAnnouncedIsCheckedWhenItChangedTheSchema() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Liquibase", true).getConnection()) {
			migration.setAutoCommit(false);
			execute(migration, "CREATE TABLE invoice (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id))");
			execute(migration, "INSERT INTO invoice VALUES (1, 7)");
			assertThatExceptionOfType(MigrationForeignKeyException.class).isThrownBy(migration::commit)
				.withMessage("Liquibase transaction left 1 row that breaks a foreign key: "
						+ "invoice row 1 (order_id = 7) references orders (id), which has no such row");
		}
		assertThat(rows(kiwi, "SELECT name FROM sqlite_schema WHERE name = 'invoice'")).isEmpty();
	}

	@Test
	void aCommitThatOnlyTouchesRowsAndWasNotAnnouncedIsNotChecked() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Liquibase", true).getConnection()) {
			// An orphan from before: the tool's own bookkeeping commits (a lock row) do not pay for a
			// full check each.
			execute(migration, "INSERT INTO orders (id, customer_id) VALUES (2, 42)");
			migration.setAutoCommit(false);
			execute(migration, "UPDATE customer SET name = 'Ann B.' WHERE id = 1");
			migration.commit();
		}
		assertThat(rows(kiwi, "SELECT name FROM customer")).containsExactly("Ann B.");
	}

	@Test
	void aMigrationThatEndsInsideATransactionItBeganInSqlStillGivesForeignKeysBack() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			execute(migration, "BEGIN");
			execute(migration, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
		}
		assertWriterAsConfigured(kiwi, 1);
		assertThat(rows(kiwi, "SELECT name FROM sqlite_schema WHERE name = 't'")).isEmpty();
	}

	@Test
	void aConnectionLeftWithAutoCommitOffIsRolledBackNotCommitted() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			migration.setAutoCommit(false);
			execute(migration, "DELETE FROM orders");
		}
		assertThat(rows(kiwi, "SELECT id FROM orders")).containsExactly("1");
		assertWriterAsConfigured(kiwi, 1);
	}

	@Test
	void withForeignKeysNotEnforcedNothingIsCheckedAndTheyStayOff() throws Exception {
		KiwiDbDataSource kiwi = open(false);
		createCustomersAndOrders(kiwi);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Liquibase", true).getConnection()) {
			migration.setAutoCommit(false);
			migration.unwrap(SchemaChangeConnection.class).migrationStarting("changeset c::1::kiwi", true);
			execute(migration, "INSERT INTO orders (id, customer_id) VALUES (2, 42)");
			migration.commit();
		}
		assertThat(rows(kiwi, "SELECT id FROM orders")).containsExactly("1", "2");
		assertWriterAsConfigured(kiwi, 0);
	}

	@Test
	void theHooksAreReachedByUnwrapping() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		try (Connection migration = new SchemaChangeDataSource(kiwi, "Flyway", false).getConnection()) {
			assertThat(migration.isWrapperFor(SchemaChangeConnection.class)).isTrue();
			assertThat(migration.unwrap(SchemaChangeConnection.class).target()).isNotSameAs(migration);
			assertThat(migration.isWrapperFor(org.sqlite.SQLiteConnection.class)).isTrue();
		}
	}

	@Test
	void onlyKiwiDbsPrimaryIsMigratedThisWay() throws Exception {
		KiwiDbDataSource kiwi = open(true);
		assertThat(SchemaChangeDataSource.primaryBehind(kiwi)).isSameAs(kiwi.getKiwiDataSource());
		assertThat(SchemaChangeDataSource.primaryBehind(new SchemaChangeDataSource(kiwi, "Flyway", false))).isNull();
		assertThat(SchemaChangeDataSource.primaryBehind(new org.sqlite.SQLiteDataSource())).isNull();
		assertThat(SchemaChangeDataSource.primaryBehind(null)).isNull();
		kiwi.close();
		this.opened.remove(kiwi);
		KiwiDbDataSource replica = new KiwiDbDataSource(KiwiDataSource.open(KiwiDbSettings
			.builder(this.dir.resolve("app.db").toString()).replicaOf("file:" + this.dir.resolve("replica")).build()));
		this.opened.add(replica);
		assertThat(SchemaChangeDataSource.primaryBehind(replica)).isNull();
	}

	private KiwiDbDataSource open(boolean foreignKeys) throws SQLException {
		KiwiDbDataSource dataSource = new KiwiDbDataSource(KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve("app.db").toString()).foreignKeys(foreignKeys).build()));
		this.opened.add(dataSource);
		return dataSource;
	}

	private static void createCustomersAndOrders(KiwiDbDataSource kiwi) throws SQLException {
		try (Connection connection = kiwi.getConnection()) {
			execute(connection, "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
			execute(connection, "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
					+ "customer_id INTEGER NOT NULL REFERENCES customer (id))");
			execute(connection, "INSERT INTO customer VALUES (1, 'Ann')");
			execute(connection, "INSERT INTO orders VALUES (1, 1)");
		}
	}

	/** The writer itself, not through any proxy: what the application's next borrower gets. */
	private static void assertWriterAsConfigured(KiwiDbDataSource kiwi, int foreignKeys) throws SQLException {
		try (Connection writer = kiwi.getKiwiDataSource().getConnection()) {
			assertThat(pragma(writer, "foreign_keys")).isEqualTo(foreignKeys);
			assertThat(pragma(writer, "legacy_alter_table")).isZero();
			assertThat(writer.getAutoCommit()).isTrue();
		}
	}

	private static int pragma(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private static List<String> rows(KiwiDbDataSource kiwi, String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Connection connection = kiwi.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			while (rows.next()) {
				values.add(rows.getString(1));
			}
		}
		return values;
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
