package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@link KiwiDbAutoConfiguration} leaves the database to the application or to Boot: an
 * excluded {@code DataSourceAutoConfiguration}, a {@code spring.datasource.url} or JNDI name for
 * another database, {@code JdbcConnectionDetails}; and the analysis for a {@code jdbc:sqlite:} URL.
 */
class KiwiDbBackOffTests {

	// Boot builds a DataSource of the type set when the class path has no connection pool.
	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.type=" + SimpleDriverDataSource.class.getName());

	@TempDir
	Path tempDir;

	@Test
	void whenDataSourceAutoConfigurationIsExcludedThenThereIsNoDataSource() {
		new ApplicationContextRunner().withUserConfiguration(ExcludesDataSourceAutoConfiguration.class)
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DataSource.class);
				assertThat(outcomeMessage(context)).contains("the application excludes it, to run without a database");
				assertThat(this.tempDir.resolve("app.db")).doesNotExist();
			});
	}

	@Test
	void whenDataSourceAutoConfigurationIsImportedThenKiwiDbConfiguresTheDatabase() {
		new ApplicationContextRunner().withUserConfiguration(ImportsDataSourceAutoConfiguration.class)
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.run((context) -> assertThat(context).getBean(DataSource.class).isInstanceOf(KiwiDbDataSource.class));
	}

	@Test
	void whenDataSourceUrlNamesAnotherDatabaseThenBootConfiguresItsDataSource() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:other", "kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.run((context) -> {
				assertThat(context).hasSingleBean(DataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDbDataSource.class);
				assertThat(productName(context.getBean(DataSource.class))).isEqualTo("H2");
				assertThat(outcomeMessage(context)).contains("spring.datasource.url names another database (jdbc:h2:...)");
				assertThat(this.tempDir.resolve("app.db")).doesNotExist();
			});
	}

	@Test
	void whenDataSourceUrlCarriesCredentialsThenTheConditionReportShowsOnlyItsScheme() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db/app?user=kiwi&password=secret")
			.run((context) -> assertThat(outcomeMessage(context)).contains("jdbc:postgresql:...")
				.doesNotContain("secret"));
	}

	@Test
	void whenAJndiNameIsSetThenKiwiDbBacksOff() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class))
			.withPropertyValues("spring.datasource.jndi-name=java:comp/env/jdbc/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DataSource.class);
				assertThat(outcomeMessage(context)).contains("spring.datasource.jndi-name names a JNDI DataSource");
			});
	}

	@Test
	void whenJdbcConnectionDetailsAreDefinedThenBootConfiguresTheirDataSource() {
		this.runner.withUserConfiguration(H2ConnectionDetails.class)
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KiwiDbDataSource.class);
				assertThat(productName(context.getBean(DataSource.class))).isEqualTo("H2");
				assertThat(this.tempDir.resolve("app.db")).doesNotExist();
			});
	}

	@Test
	void whenDataSourceUrlIsASqliteUrlThenStartupFailsWithAnalysisNamingKiwiDbPath() {
		Path file = this.tempDir.resolve("app.db");
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		this.runner.withInitializer(started::set)
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:file:" + file + "?foreign_keys=on")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isExactlyInstanceOf(SqliteDataSourceUrlException.class);
				FailureAnalysis analysis = analyze(context.getStartupFailure(), started.get());
				assertThat(analysis.getDescription()).contains("'spring.datasource.url'", "jdbc:sqlite:file:" + file);
				assertThat(analysis.getAction()).contains("set kiwi.db.path=" + file + " instead", "kiwi.db.enabled=false");
				assertThat(file).doesNotExist();
			});
	}

	@Test
	void whenKiwiDbIsDisabledThenBootUsesTheSqliteUrl() {
		Path file = this.tempDir.resolve("boot.db");
		this.runner.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + file, "kiwi.db.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KiwiDbDataSource.class);
				assertThat(productName(context.getBean(DataSource.class))).isEqualTo("SQLite");
			});
	}

	private static String productName(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName();
		}
	}

	private static String outcomeMessage(AssertableApplicationContext context) {
		ConditionAndOutcomes outcomes = ConditionEvaluationReport.get(context.getBeanFactory())
			.getConditionAndOutcomesBySource()
			.get(KiwiDbAutoConfiguration.class.getName());
		return outcomes.stream().map((outcome) -> outcome.getOutcome().getMessage()).toList().toString();
	}

	private static FailureAnalysis analyze(Throwable failure, ConfigurableApplicationContext context) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
			.and(Environment.class, context.getEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(KiwiDbBackOffTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
			});
		return analyzers.stream().map((analyzer) -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
			.orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(classes = { KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class },
			exclude = DataSourceAutoConfiguration.class)
	static class ExcludesDataSourceAutoConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class ImportsDataSourceAutoConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class H2ConnectionDetails {

		@Bean
		JdbcConnectionDetails jdbcConnectionDetails() {
			return new JdbcConnectionDetails() {

				@Override
				public String getUsername() {
					return "sa";
				}

				@Override
				public String getPassword() {
					return "";
				}

				@Override
				public String getJdbcUrl() {
					return "jdbc:h2:mem:details";
				}

			};
		}

	}

}
