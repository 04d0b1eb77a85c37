package io.kiwistack.db.autoconfigure.data;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.core.convert.JdbcCustomConversions;
import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcH2Dialect;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbDataJdbcAutoConfiguration} and {@link SqliteDialectProvider}.
 */
class KiwiDbDataJdbcAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				KiwiDbDataJdbcAutoConfiguration.class, DataJdbcRepositoriesAutoConfiguration.class))
		.withUserConfiguration(RepositoriesConfiguration.class);

	@TempDir
	Path dir;

	@Test
	void springDataJdbcGetsTheSqliteDialect() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(JdbcDialect.class).isSameAs(SqliteDialect.INSTANCE);
		});
	}

	@Test
	void springDataJdbcConvertsBooleansAndTimesTheSqliteWay() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db")).run((context) -> {
			JdbcCustomConversions conversions = context.getBean(JdbcCustomConversions.class);
			assertThat(conversions.getCustomWriteTarget(Instant.class)).contains(String.class);
			assertThat(conversions.hasCustomReadTarget(Integer.class, Boolean.class)).isTrue();
		});
	}

	@Test
	void ownConversionsBuiltForTheDialectKeepTheSqliteConversions() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.withUserConfiguration(OwnConversionsConfiguration.class)
			.run((context) -> {
				JdbcCustomConversions conversions = context.getBean(JdbcCustomConversions.class);
				assertThat(conversions.getCustomWriteTarget(Duration.class)).contains(Long.class);
				assertThat(conversions.getCustomWriteTarget(Instant.class)).contains(String.class);
			});
	}

	@Test
	void theApplicationsOwnDialectReplacesIt() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.withUserConfiguration(OwnDialectConfiguration.class)
			.run((context) -> assertThat(context).getBean(JdbcDialect.class).isSameAs(JdbcH2Dialect.INSTANCE));
	}

	@Test
	void backsOffWithoutSpringDataJdbc() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.withClassLoader(new FilteredClassLoader("org.springframework.data.jdbc"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(KiwiDbDataJdbcAutoConfiguration.class);
			});
	}

	@Test
	void backsOffWhenKiwiDbDoesNotProvideTheDataSource() {
		this.runner.withPropertyValues("kiwi.db.enabled=false")
			.withUserConfiguration(OwnDataSourceConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(KiwiDbDataJdbcAutoConfiguration.class);
				assertThat(context).getBean(JdbcDialect.class).isSameAs(SqliteDialect.INSTANCE);
			});
	}

	@Test
	void springDataRecognisesSqliteOnAnySqliteDataSource() {
		SQLiteDataSource sqlite = new SQLiteDataSource();
		sqlite.setUrl("jdbc:sqlite::memory:");

		assertThat(DialectResolver.getDialect(new JdbcTemplate(sqlite))).isSameAs(SqliteDialect.INSTANCE);
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class RepositoriesConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDialectConfiguration {

		@Bean
		JdbcDialect ownDialect() {
			return JdbcH2Dialect.INSTANCE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnConversionsConfiguration {

		@Bean
		JdbcCustomConversions jdbcCustomConversions(JdbcDialect dialect) {
			return JdbcCustomConversions.of(dialect, List.of(DurationToMillis.INSTANCE));
		}

	}

	@WritingConverter
	enum DurationToMillis implements Converter<Duration, Long> {

		INSTANCE;

		@Override
		public Long convert(Duration source) {
			return source.toMillis();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			SQLiteDataSource dataSource = new SQLiteDataSource();
			dataSource.setUrl("jdbc:sqlite::memory:");
			return dataSource;
		}

	}

}
