package io.kiwistack.db.compatibility.schemachange;

import java.nio.file.Path;
import java.sql.Connection;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.liquibase.KiwiDbLiquibaseAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import static io.kiwistack.db.compatibility.schemachange.SchemaInspection.foreignKeys;
import static io.kiwistack.db.compatibility.schemachange.SchemaInspection.rows;
import static io.kiwistack.db.compatibility.schemachange.SchemaInspection.rowsInFile;
import static io.kiwistack.db.compatibility.schemachange.SchemaInspection.writerPragmas;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Liquibase changelogs on kiwi-db, whose foreign keys are on: an {@code addColumn}, which Liquibase
 * runs on SQLite by renaming the table away, creating it anew, copying and dropping the renamed one
 * (liquibase#3605), keeps the other tables' foreign keys pointing at the table.
 */
class LiquibaseSchemaChangeTests {

	private static final String CHANGELOGS = "classpath:db/schema-change/liquibase/";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbLiquibaseAutoConfiguration.class,
				DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				LiquibaseAutoConfiguration.class));

	@Test
	void addColumnKeepsTheForeignKeysThatReferenceTheRebuiltTable() {
		this.runner.withPropertyValues(database(), changeLog("add-column.yaml")).run((context) -> {
			assertThat(context).hasNotFailed();
			KiwiDbDataSource dataSource = context.getBean(KiwiDbDataSource.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try (Connection connection = dataSource.getConnection()) {
				assertThat(foreignKeys(connection, "orders")).containsExactly("customer_id -> customer(id)");
				assertThat(rows(connection, "SELECT id, name, email FROM customer")).containsExactly("1|Ann|null");
				assertThat(rows(connection, "SELECT name FROM sqlite_schema WHERE name LIKE '%temporary%'")).isEmpty();
			}
			jdbc.update("INSERT INTO orders (id, customer_id) VALUES (2, 1)");
			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> jdbc.update("INSERT INTO orders (id, customer_id) VALUES (3, 42)"))
				.withMessageContaining("FOREIGN KEY constraint failed");
			assertThat(jdbc.queryForList("SELECT id FROM orders ORDER BY id", Integer.class)).containsExactly(1, 2);
			assertThat(writerPragmas(dataSource)).isEqualTo("foreign_keys=1 legacy_alter_table=0");
		});
	}

	@Test
	void withoutKiwiDbsLiquibaseSupportTheRebuildLeavesTheForeignKeyOnTheDroppedTable() {
		// What liquibase#3605 reports: with foreign keys on, the rename carries the reference over to
		// customer_temporary, which the rebuild then drops.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, LiquibaseAutoConfiguration.class))
			.withPropertyValues(database(), changeLog("empty-orders-add-column.yaml"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				try (Connection connection = context.getBean(KiwiDbDataSource.class).getConnection()) {
					assertThat(foreignKeys(connection, "orders")).containsExactly("customer_id -> customer_temporary(id)");
				}
				assertThatExceptionOfType(Exception.class)
					.isThrownBy(() -> jdbc.update("INSERT INTO orders (id, customer_id) VALUES (1, 1)"))
					.withMessageContaining("no such table: main.customer_temporary");
			});
	}

	@Test
	void addColumnOnATableWithoutReferencingRowsKeepsItsForeignKeysToo() {
		this.runner.withPropertyValues(database(), changeLog("empty-orders-add-column.yaml")).run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try (Connection connection = context.getBean(KiwiDbDataSource.class).getConnection()) {
				assertThat(foreignKeys(connection, "orders")).containsExactly("customer_id -> customer(id)");
			}
			jdbc.update("INSERT INTO orders (id, customer_id) VALUES (1, 1)");
			assertThat(jdbc.queryForList("SELECT customer_id FROM orders", Integer.class)).containsExactly(1);
		});
	}

	@Test
	void renameTableCarriesTheReferencesToTheNewName() {
		this.runner.withPropertyValues(database(), changeLog("rename-table.yaml")).run((context) -> {
			assertThat(context).hasNotFailed();
			KiwiDbDataSource dataSource = context.getBean(KiwiDbDataSource.class);
			try (Connection connection = dataSource.getConnection()) {
				assertThat(foreignKeys(connection, "orders")).containsExactly("customer_id -> client(id)");
			}
			context.getBean(JdbcTemplate.class).update("INSERT INTO orders (id, customer_id) VALUES (2, 1)");
			assertThat(writerPragmas(dataSource)).isEqualTo("foreign_keys=1 legacy_alter_table=0");
		});
	}

	@Test
	void aChangesetThatOrphansRowsStopsStartupNamingTheTableAndRowsAndIsRolledBack() throws Exception {
		FailureAnalysis analysis = StartupFailures
			.analysisOf(this.runner.withPropertyValues(database(), changeLog("orphan.yaml")));
		assertThat(analysis.getDescription()).isEqualTo("Liquibase changeset "
				+ "db/schema-change/liquibase/orphan.yaml::3::kiwi left 2 rows that break foreign keys: "
				+ "orders row 1 (customer_id = 1) references customer (id), which has no such row; "
				+ "orders row 2 (customer_id = 1) references customer (id), which has no such row.\n\n"
				+ "kiwi-db runs Liquibase migrations with foreign keys off, as SQLite's procedure for schema changes "
				+ "asks (https://sqlite.org/lang_altertable.html#otheralter), and checks them with "
				+ "PRAGMA foreign_key_check before each migration commits. "
				+ "This changeset was rolled back: the database is as it was before it.");
		assertThat(analysis.getAction()).isEqualTo("Fix Liquibase changeset "
				+ "db/schema-change/liquibase/orphan.yaml::3::kiwi so that every row it leaves references an existing "
				+ "row: delete or update the rows it orphans, or insert the rows they reference, in the same changeset. "
				+ "While migrations run, foreign keys are off, so ON DELETE CASCADE and ON DELETE SET NULL do not act: "
				+ "change the referencing rows explicitly. Then restart the application. "
				+ "Foreign keys stay enforced for the application (kiwi.db.foreign-keys).");
		Path file = this.dir.resolve("app.db");
		assertThat(rowsInFile(file, "SELECT id FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED")).containsExactly("1",
				"2");
		assertThat(rowsInFile(file, "SELECT id, name FROM customer")).containsExactly("1|Ann");
		assertThat(rowsInFile(file, "SELECT id, customer_id FROM orders")).containsExactly("1|1");
	}

	@Test
	void aChangesetOutsideATransactionThatOrphansRowsStopsStartupAndIsNotRecorded() throws Exception {
		FailureAnalysis analysis = StartupFailures
			.analysisOf(this.runner.withPropertyValues(database(), changeLog("orphan-outside-transaction.yaml")));
		assertThat(analysis.getDescription()).startsWith("Liquibase changeset "
				+ "db/schema-change/liquibase/orphan-outside-transaction.yaml::3::kiwi left 1 row that breaks a "
				+ "foreign key: orders row 1 (customer_id = 1) references customer (id), which has no such row.\n\n")
			.endsWith("This changeset ran outside a transaction, so its changes were kept.");
		assertThat(analysis.getAction()).contains("It ran outside a transaction and Liquibase has not recorded it as "
				+ "applied, so it runs again at the next start: repair the rows it left by hand too");
		Path file = this.dir.resolve("app.db");
		assertThat(rowsInFile(file, "SELECT id FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED")).containsExactly("1",
				"2");
		assertThat(rowsInFile(file, "SELECT id FROM customer")).isEmpty();
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	private static String changeLog(String name) {
		return "spring.liquibase.change-log=" + CHANGELOGS + name;
	}

}
