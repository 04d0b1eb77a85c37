package io.kiwistack.db.autoconfigure.health;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.application.DiskSpaceHealthIndicator;
import org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbDiskSpaceHealthContributorAutoConfiguration}: Boot's {@code diskSpace}
 * indicator watches the database's directory unless told otherwise.
 */
class KiwiDbDiskSpaceHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				KiwiDbDiskSpaceHealthContributorAutoConfiguration.class,
				DiskSpaceHealthContributorAutoConfiguration.class));

	@TempDir
	Path tempDir;

	private static Object watchedPath(HealthIndicator indicator) {
		return indicator.health().getDetails().get("path");
	}

	@Test
	void diskSpaceWatchesTheDirectoryOfTheDatabase() {
		Path file = this.tempDir.resolve("data").resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(DiskSpaceHealthIndicator.class);
			Health health = context.getBean("diskSpaceHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getDetails()).containsEntry("path", file.getParent().toString())
				.containsEntry("threshold", DataSize.ofMegabytes(10).toBytes())
				.containsEntry("exists", true);
		});
	}

	@Test
	void theThresholdIsBootsProperty() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "management.health.diskspace.threshold=1KB")
			.run((context) -> {
				Health health = context.getBean(DiskSpaceHealthIndicator.class).health();
				assertThat(health.getDetails()).containsEntry("path", this.tempDir.toString())
					.containsEntry("threshold", 1024L);
			});
	}

	@Test
	void whenTheDiskSpacePathIsSetThenItIsWatched() throws Exception {
		Path elsewhere = Files.createDirectory(this.tempDir.resolve("elsewhere"));
		Path file = this.tempDir.resolve("data").resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "management.health.diskspace.path=" + elsewhere)
			.run((context) -> assertThat(watchedPath(context.getBean(DiskSpaceHealthIndicator.class)))
				.isEqualTo(elsewhere.toString()));
	}

	@Test
	void whenTheApplicationDefinesItsOwnDiskSpaceIndicatorThenItIsKept() {
		Path file = this.tempDir.resolve("app.db");
		HealthIndicator own = () -> Health.up().withDetail("own", true).build();
		this.runner.withPropertyValues("kiwi.db.path=" + file)
			.withBean("diskSpaceHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DiskSpaceHealthIndicator.class);
				assertThat(context.getBean("diskSpaceHealthIndicator")).isSameAs(own);
			});
	}

	@Test
	void whenTheDiskSpaceIndicatorIsDisabledThenThereIsNone() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"),
					"management.health.diskspace.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DiskSpaceHealthIndicator.class));
	}

	@Test
	void forAnInMemoryDatabaseBootsPathIsWatched() {
		this.runner.withPropertyValues("kiwi.db.path=:memory:")
			.run((context) -> assertThat(watchedPath(context.getBean(DiskSpaceHealthIndicator.class)))
				.isEqualTo(new File(".").getAbsolutePath()));
	}

	@Test
	void whenTheApplicationDefinesItsOwnDataSourceThenBootsPathIsWatched() {
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + this.tempDir.resolve("own.db"));
		this.runner.withBean("ownDataSource", DataSource.class, () -> own)
			.run((context) -> assertThat(watchedPath(context.getBean(DiskSpaceHealthIndicator.class)))
				.isEqualTo(new File(".").getAbsolutePath()));
	}

	@Test
	void withoutBootsHealthModuleKiwiDbDefinesNoIndicator() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					KiwiDbDiskSpaceHealthContributorAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(DiskSpaceHealthIndicator.class))
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("diskSpaceHealthIndicator"));
	}

}
