package io.kiwistack.db.compatibility.schemachange;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.flyway.KiwiDbFlywayAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
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
 * Flyway SQL migrations on kiwi-db, whose foreign keys are on, doing SQLite's 12-step table rebuild:
 * Flyway runs each migration in a transaction, where {@code PRAGMA foreign_keys} can't change, so
 * kiwi-db turns them off before Flyway's transaction begins and checks them before it commits.
 */
class FlywaySchemaChangeTests {

	private static final String MIGRATIONS = "classpath:db/schema-change/flyway/";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbFlywayAutoConfiguration.class,
				DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class));

	@Test
	void aTableRebuildRunsWithForeignKeysOffAndKeepsTheForeignKeysThatReferenceIt() {
		this.runner.withPropertyValues(database(), locations("rebuild")).run((context) -> {
			assertThat(context).hasNotFailed();
			KiwiDbDataSource dataSource = context.getBean(KiwiDbDataSource.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			try (Connection connection = dataSource.getConnection()) {
				assertThat(rows(connection, "SELECT foreign_keys FROM migration_saw")).containsExactly("0");
				assertThat(foreignKeys(connection, "orders")).containsExactly("customer_id -> customer(id)");
				assertThat(rows(connection, "SELECT id, name, email FROM customer")).containsExactly("1|Ann|");
				assertThat(rows(connection, "SELECT name FROM sqlite_schema WHERE tbl_name = 'customer' AND type = 'index'"))
					.containsExactly("customer_name");
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
	void withoutKiwiDbsFlywaySupportTheRebuildFailsOnTheReferencingRows() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class))
			.withPropertyValues(database(), locations("rebuild"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("FOREIGN KEY constraint failed"));
	}

	@Test
	void anApplicationsMigrationStrategyStillMigratesTheSqliteWay() {
		AtomicInteger migrations = new AtomicInteger();
		this.runner.withPropertyValues(database(), locations("rebuild"))
			.withBean(FlywayMigrationStrategy.class,
					() -> (flyway) -> migrations.addAndGet(flyway.migrate().migrationsExecuted))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(migrations).hasValue(2);
				try (Connection connection = context.getBean(KiwiDbDataSource.class).getConnection()) {
					assertThat(rows(connection, "SELECT foreign_keys FROM migration_saw")).containsExactly("0");
				}
				assertThat(writerPragmas(context.getBean(KiwiDbDataSource.class)))
					.isEqualTo("foreign_keys=1 legacy_alter_table=0");
			});
	}

	@Test
	void aMigrationThatOrphansRowsStopsStartupNamingTheTableAndRowsAndIsRolledBack() throws Exception {
		FailureAnalysis analysis = StartupFailures
			.analysisOf(this.runner.withPropertyValues(database(), locations("rebuild", "orphan")));
		assertThat(analysis.getDescription()).isEqualTo("Flyway migration 3 \"forget ann\" (V3__forget_ann.sql) "
				+ "left 2 rows that break foreign keys: "
				+ "orders row 1 (customer_id = 1) references customer (id), which has no such row; "
				+ "orders row 2 (customer_id = 1) references customer (id), which has no such row.\n\n"
				+ "kiwi-db runs Flyway migrations with foreign keys off, as SQLite's procedure for schema changes "
				+ "asks (https://sqlite.org/lang_altertable.html#otheralter), and checks them with "
				+ "PRAGMA foreign_key_check before each migration commits. "
				+ "This migration was rolled back: the database is as it was before it.");
		assertThat(analysis.getAction()).isEqualTo("Fix Flyway migration 3 \"forget ann\" (V3__forget_ann.sql) "
				+ "so that every row it leaves references an existing row: delete or update the rows it orphans, or "
				+ "insert the rows they reference, in the same migration. While migrations run, foreign keys are off, "
				+ "so ON DELETE CASCADE and ON DELETE SET NULL do not act: change the referencing rows explicitly. "
				+ "Then restart the application. Foreign keys stay enforced for the application (kiwi.db.foreign-keys).");
		Path file = this.dir.resolve("app.db");
		assertThat(rowsInFile(file, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
			.containsExactly("1|1", "2|1");
		assertThat(rowsInFile(file, "SELECT id, name FROM customer")).containsExactly("1|Ann");
		assertThat(rowsInFile(file, "SELECT id, customer_id FROM orders")).containsExactly("1|1");
	}

	@Test
	void aMigrationOutsideATransactionThatOrphansRowsStopsStartupAndRunsAgainNextTime() throws Exception {
		// Flyway refuses a migration that mixes PRAGMA foreign_keys with other statements unless told.
		FailureAnalysis analysis = StartupFailures.analysisOf(this.runner.withPropertyValues(database(),
				locations("rebuild", "orphan-outside-transaction"), "spring.flyway.mixed=true"));
		assertThat(analysis.getDescription()).isEqualTo("Flyway migration 3 \"forget ann outside a transaction\" "
				+ "(V3__forget_ann_outside_a_transaction.sql) left 1 row that breaks a foreign key: "
				+ "orders row 1 (customer_id = 1) references customer (id), which has no such row.\n\n"
				+ "kiwi-db runs Flyway migrations with foreign keys off, as SQLite's procedure for schema changes "
				+ "asks (https://sqlite.org/lang_altertable.html#otheralter), and checks them with "
				+ "PRAGMA foreign_key_check before each migration commits. "
				+ "This migration ran outside a transaction, so its changes were kept.");
		assertThat(analysis.getAction()).contains("It ran outside a transaction and Flyway has not recorded it as "
				+ "applied, so it runs again at the next start: repair the rows it left by hand too");
		Path file = this.dir.resolve("app.db");
		assertThat(rowsInFile(file, "SELECT version, success FROM flyway_schema_history ORDER BY installed_rank"))
			.containsExactly("1|1", "2|1");
		assertThat(rowsInFile(file, "SELECT id FROM customer")).isEmpty();
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	private static String locations(String... names) {
		return "spring.flyway.locations=" + String.join(",", Arrays.stream(names).map((name) -> MIGRATIONS + name).toList());
	}

}
