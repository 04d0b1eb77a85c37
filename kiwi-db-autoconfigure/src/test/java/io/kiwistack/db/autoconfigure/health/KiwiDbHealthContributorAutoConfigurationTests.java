package io.kiwistack.db.autoconfigure.health;

import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

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
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
					"sqliteVersion", "fileLocking", "disk");
			assertThat(health.getDetails()).containsEntry("path", file.toString())
				.containsEntry("fileLocking", "process-exclusive")
				.containsEntry("journalMode", "wal")
				.containsEntry("fileSize", Files.size(file))
				.containsEntry("walSize", Files.size(file.resolveSibling("app.db-wal")));
			assertThat((long) health.getDetails().get("walSize")).isPositive();
			assertThat((String) health.getDetails().get("sqliteVersion")).matches("3\\.\\d+\\.\\d+");
			FileStore store = Files.getFileStore(this.tempDir);
			@SuppressWarnings("unchecked")
			Map<String, Object> disk = (Map<String, Object>) health.getDetails().get("disk");
			assertThat(disk).containsOnlyKeys("fileStore", "free", "total").containsEntry("fileStore", store.toString());
			assertThat((long) disk.get("free")).isPositive().isLessThanOrEqualTo((long) disk.get("total"));
			assertThat((long) disk.get("total")).isEqualTo(store.getTotalSpace());
		});
	}

	@Test
	void whileWritesFailForLackOfSpaceHealthIsDownAndAWriteThatCommitsBringsItUp() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			KiwiDbHealthIndicator indicator = context.getBean(KiwiDbHealthIndicator.class);
			jdbc.sql("CREATE TABLE t (v TEXT)").update();
			// SQLite refuses the next page as a full disk does: SQLITE_FULL.
			long pages = jdbc.sql("PRAGMA page_count").query(Long.class).single();
			jdbc.sql("PRAGMA max_page_count = " + pages).query(Long.class).single();
			Instant before = Instant.now();
			insertUntilRefused(jdbc);

			Health down = indicator.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			String error = (String) down.getDetails().get("error");
			assertThat(error).startsWith("Writes fail: database or disk is full (SQLITE_FULL) since ")
				.contains(" bytes free on " + Files.getFileStore(this.tempDir))
				.endsWith("health is UP again once a write commits");
			Instant since = Instant.parse(error.substring(error.indexOf(" since ") + 7, error.indexOf(';')));
			assertThat(since).isBetween(before, Instant.now());
			assertThat(down.getDetails()).containsKeys("path", "disk");
			assertThat(jdbc.sql("SELECT count(*) FROM t").query(Long.class).single()).isPositive();
			assertThat(indicator.health().getStatus()).as("after a read").isEqualTo(Status.DOWN);

			jdbc.sql("PRAGMA max_page_count = 1000000").query(Long.class).single();
			jdbc.sql("INSERT INTO t VALUES ('written again')").update();
			Health up = indicator.health();
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			assertThat(up.getDetails()).doesNotContainKey("error");
		});
	}

	private static void insertUntilRefused(JdbcClient jdbc) {
		for (int i = 0; i < 100; i++) {
			try {
				jdbc.sql("INSERT INTO t VALUES (printf('%.3000c', 'x'))").update();
			}
			catch (DataAccessException ex) {
				assertThat(ex.getMessage()).contains("SQLITE_FULL");
				return;
			}
		}
		fail("no write was refused");
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
				.doesNotContainKeys("fileLocking", "disk");
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
