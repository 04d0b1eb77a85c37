package io.kiwistack.db.compatibility.quartz;

import java.nio.file.Path;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.quartz.KiwiDbQuartzAutoConfiguration;
import io.kiwistack.db.autoconfigure.quartz.SqliteJobStoreCustomizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.quartz.simpl.RAMJobStore;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzDataSourceScriptDatabaseInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When kiwi-db configures Quartz, and when it leaves Quartz to Boot and the application.
 */
class KiwiDbQuartzAutoConfigurationTests {

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbQuartzAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				QuartzAutoConfiguration.class))
		// These tests look at the configuration, not at a running scheduler.
		.withPropertyValues("spring.quartz.auto-startup=false");

	@Test
	void leavesTheInMemoryJobStoreAlone() {
		this.runner.withPropertyValues(kiwiDbPath(), "spring.quartz.job-store-type=memory").run((context) -> {
			assertThat(context).doesNotHaveBean(SqliteJobStoreCustomizer.class)
				.doesNotHaveBean(QuartzDataSourceScriptDatabaseInitializer.class);
			assertThat(context.getBean(Scheduler.class).getMetaData().getJobStoreClass()).isEqualTo(RAMJobStore.class);
		});
	}

	@Test
	void leavesAnApplicationsOwnDataSourceToBoot() {
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + this.directory.resolve("own.db"));
		// Boot's initializer would look for Quartz's tables_sqlite.sql, and fail to start without it.
		this.runner
			.withPropertyValues("spring.quartz.job-store-type=jdbc",
					"spring.quartz.jdbc.schema=classpath:db/quartz-own/tables.sql")
			.withBean(SQLiteDataSource.class, () -> own)
			.run((context) -> assertThat(context).doesNotHaveBean(SqliteJobStoreCustomizer.class)
				.hasBean("quartzDataSourceScriptDatabaseInitializer")
				.doesNotHaveBean("kiwiDbQuartzDataSourceScriptDatabaseInitializer"));
	}

	@Test
	void startsWithBootsDefaultSchemaSettings() {
		// Boot's own initializer would fail: Quartz has no tables_sqlite.sql where Boot looks.
		this.runner.withPropertyValues(kiwiDbPath(), "spring.quartz.job-store-type=jdbc")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(SqliteJobStoreCustomizer.class)
				.hasBean("kiwiDbQuartzDataSourceScriptDatabaseInitializer")
				.doesNotHaveBean("quartzDataSourceScriptDatabaseInitializer"));
	}

	@Test
	void anApplicationsSchemaScriptReplacesKiwiDbsTables() {
		this.runner
			.withPropertyValues(kiwiDbPath(), "spring.quartz.job-store-type=jdbc",
					"spring.quartz.jdbc.initialize-schema=always",
					"spring.quartz.jdbc.schema=classpath:db/quartz-own/tables.sql")
			.run((context) -> assertThat(tables(context.getBean(JdbcTemplate.class))).isEqualTo("OWN_QRTZ_SCHEMA"));
	}

	@Test
	void createsNoTablesWhenSchemaInitializationIsOff() {
		this.runner
			.withPropertyValues(kiwiDbPath(), "spring.quartz.job-store-type=jdbc",
					"spring.quartz.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasSingleBean(SqliteJobStoreCustomizer.class)
					.doesNotHaveBean(QuartzDataSourceScriptDatabaseInitializer.class);
				assertThat(tables(context.getBean(JdbcTemplate.class))).isNull();
			});
	}

	private String kiwiDbPath() {
		return "kiwi.db.path=" + this.directory.resolve("kiwi.db");
	}

	private static String tables(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT group_concat(name, ',') FROM sqlite_master WHERE type = 'table' "
				+ "AND name LIKE '%QRTZ%'", String.class);
	}

}
