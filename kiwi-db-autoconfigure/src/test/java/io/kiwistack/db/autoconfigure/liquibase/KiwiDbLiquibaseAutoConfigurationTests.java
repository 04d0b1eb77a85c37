package io.kiwistack.db.autoconfigure.liquibase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbLiquibaseAutoConfiguration}, with a {@link SpringLiquibase} of the
 * application's own; the compatibility tests run Boot's.
 */
class KiwiDbLiquibaseAutoConfigurationTests {

	static final AtomicInteger customized = new AtomicInteger();

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbLiquibaseAutoConfiguration.class,
					DataSourceAutoConfiguration.class));

	@Test
	void aSpringLiquibaseOnKiwiDbMigratesThroughTheSchemaChangeDataSourceAndItsCustomizerStillRuns() {
		customized.set(0);
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"), "test.changelog=" + changeLog())
			.withUserConfiguration(ApplicationLiquibase.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SpringLiquibase.class).getDataSource())
					.isInstanceOf(SchemaChangeDataSource.class);
				assertThat(customized).hasValue(1);
				assertThat(new JdbcTemplate(context.getBean(KiwiDbDataSource.class))
					.queryForList("SELECT name FROM kiwi", String.class)).containsExactly("Kiri");
			});
	}

	@Test
	void aLiquibaseOnAnotherDataSourceIsLeftAlone() {
		SQLiteDataSource other = new SQLiteDataSource();
		other.setUrl("jdbc:sqlite:" + this.dir.resolve("other.db"));
		SpringLiquibase liquibase = new SpringLiquibase();
		liquibase.setDataSource(other);
		new SchemaChangeLiquibasePostProcessor().postProcessBeforeInitialization(liquibase, "liquibase");
		assertThat(liquibase.getDataSource()).isSameAs(other);
		assertThat(liquibase.getCustomizer()).isNull();
	}

	@Test
	void anApplicationsOwnDataSourceMeansNoPostProcessor() {
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + this.dir.resolve("own.db"));
		this.runner.withBean(SQLiteDataSource.class, () -> own)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(SchemaChangeLiquibasePostProcessor.class));
	}

	private String changeLog() {
		try {
			return Files.writeString(this.dir.resolve("changelog.yaml"), """
					databaseChangeLog:
					  - changeSet:
					      id: 1
					      author: kiwi
					      changes:
					        - createTable:
					            tableName: kiwi
					            columns:
					              - column: { name: name, type: TEXT }
					        - insert:
					            tableName: kiwi
					            columns:
					              - column: { name: name, value: Kiri }
					""").toUri().toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationLiquibase {

		@Bean
		SpringLiquibase liquibase(DataSource dataSource, Environment environment) {
			SpringLiquibase liquibase = new SpringLiquibase();
			liquibase.setDataSource(dataSource);
			liquibase.setChangeLog(environment.getProperty("test.changelog"));
			liquibase.setCustomizer((created) -> customized.incrementAndGet());
			return liquibase;
		}

	}

}
