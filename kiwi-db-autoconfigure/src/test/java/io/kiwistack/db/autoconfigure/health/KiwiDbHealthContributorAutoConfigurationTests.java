package io.kiwistack.db.autoconfigure.health;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbHealthContributorAutoConfiguration} and {@link KiwiDbHealthIndicator}.
 */
class KiwiDbHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				KiwiDbHealthContributorAutoConfiguration.class));

	@TempDir
	Path tempDir;

	@Test
	void healthIndicatorReportsUpWithDetails() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(KiwiDbHealthIndicator.class);
			assertThat(context).hasBean("kiwiDbHealthIndicator");
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			jdbc.sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").update();
			jdbc.sql("INSERT INTO t (v) VALUES ('x')").update();
			Health health = context.getBean("kiwiDbHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsOnlyKeys("path", "fileSize", "walSize", "journalMode",
					"sqliteVersion", "fileLocking");
			assertThat(health.getDetails()).containsEntry("path", file.toString())
				.containsEntry("fileLocking", "process-exclusive")
				.containsEntry("journalMode", "wal")
				.containsEntry("fileSize", Files.size(file))
				.containsEntry("walSize", Files.size(file.resolveSibling("app.db-wal")));
			assertThat((long) health.getDetails().get("walSize")).isPositive();
			assertThat((String) health.getDetails().get("sqliteVersion")).matches("3\\.\\d+\\.\\d+");
		});
	}

	@Test
	void healthIndicatorReportsUpForAnInMemoryDatabase() {
		this.runner.withPropertyValues("kiwi.db.path=:memory:").run((context) -> {
			Health health = context.getBean(KiwiDbHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("path", ":memory:")
				.containsEntry("fileSize", 0L)
				.containsEntry("walSize", 0L)
				.containsEntry("journalMode", "memory")
				.doesNotContainKey("fileLocking");
		});
	}

	@Test
	void healthSaysWhenTheFileIsSharedWithOtherProcesses() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "kiwi.db.process-exclusive=false").run((context) -> {
			Health health = context.getBean(KiwiDbHealthIndicator.class).health();
			assertThat(health.getDetails()).containsEntry("fileLocking", "shared");
		});
	}

	@Test
	void whenTheDataSourceIsClosedThenHealthIsDownWithTheError() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			context.getBean(DataSource.class).unwrap(KiwiDataSource.class).close();
			Health health = context.getBean(KiwiDbHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsKey("error");
			assertThat((String) health.getDetails().get("error")).contains("closed");
		});
	}

	@Test
	void whenHealthIndicatorIsDisabledWithLowerCaseKeyThenNoIndicator() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "management.health.kiwidb.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(KiwiDbDataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDbHealthIndicator.class);
			});
	}

	@Test
	void whenHealthIndicatorDefaultsAreDisabledThenNoIndicator() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "management.health.defaults.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(KiwiDbDataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDbHealthIndicator.class);
			});
	}

	@Test
	void whenTheApplicationDefinesADataSourceThenNoIndicator() {
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + this.tempDir.resolve("own.db"));
		this.runner.withBean("ownDataSource", DataSource.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(KiwiDbDataSource.class);
			assertThat(context).doesNotHaveBean(KiwiDbHealthIndicator.class);
		});
	}

	@Test
	void whenTheApplicationDefinesItsOwnIndicatorThenItIsKept() {
		Path file = this.tempDir.resolve("app.db");
		HealthIndicator own = () -> Health.up().withDetail("own", true).build();
		this.runner.withPropertyValues("kiwi.db.path=" + file)
			.withBean("kiwiDbHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(KiwiDbHealthIndicator.class);
				assertThat(context.getBean("kiwiDbHealthIndicator")).isSameAs(own);
			});
	}

}
