package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.List;
import java.util.Objects;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicReference;

import io.kiwistack.db.DateClass;
import io.kiwistack.db.DatePrecision;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver's date options under {@code kiwi.db.driver.*}: mapped onto every connection kiwi-db
 * opens, the driver's own defaults when unset, and a bad value stops startup naming the property.
 */
class DriverDateOptionsTests {

	private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class));

	@TempDir
	Path dir;

	@Test
	void unsetTheyAreTheDriversDefaults() {
		this.runner.withPropertyValues(database()).run((context) -> {
			KiwiDbSettings settings = context.getBean(KiwiDbDataSource.class).getKiwiDataSource().settings();
			assertThat(settings.dateClass()).isEqualTo(DateClass.INTEGER);
			assertThat(settings.datePrecision()).isEqualTo(DatePrecision.MILLISECONDS);
			assertThat(settings.dateStringFormat()).isEqualTo("yyyy-MM-dd HH:mm:ss.SSS");
			assertThat(stored(context.getBean(JdbcTemplate.class))).isEqualTo("integer 1709251198500");
		});
	}

	@Test
	void setTheyReachTheDriver() {
		this.runner
			.withPropertyValues(database(), "kiwi.db.driver.date-class=text", "kiwi.db.driver.date-precision=seconds",
					"kiwi.db.driver.date-string-format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
			.run((context) -> {
				KiwiDbSettings settings = context.getBean(KiwiDbDataSource.class).getKiwiDataSource().settings();
				assertThat(settings.dateClass()).isEqualTo(DateClass.TEXT);
				assertThat(settings.datePrecision()).isEqualTo(DatePrecision.SECONDS);
				assertThat(settings.dateStringFormat()).isEqualTo("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
				assertThat(stored(context.getBean(JdbcTemplate.class))).isEqualTo("text 2024-02-29T23:59:58.500Z");
			});
	}

	@Test
	void secondsPrecisionStoresWholeSeconds() {
		this.runner.withPropertyValues(database(), "kiwi.db.driver.date-precision=seconds")
			.run((context) -> assertThat(stored(context.getBean(JdbcTemplate.class))).isEqualTo("integer 1709251198"));
	}

	@Test
	void aDateClassTheDriverDoesNotHaveStopsStartupListingTheOnesItHas() {
		FailureAnalysis analysis = startupFailure(database(), "kiwi.db.driver.date-class=iso");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.driver.date-class is 'iso'")
			.endsWith(", which is not one of its values: integer, text, real.");
		assertThat(analysis.getAction()).isEqualTo("Set kiwi.db.driver.date-class to one of: integer, text, real.");
	}

	@Test
	void aFormatTheDriverCannotUseStopsStartupNamingTheProperty() {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		FailureAnalysis analysis = startupFailure(failure, database(), "kiwi.db.driver.date-string-format=yyyy-MM-dd bb");
		assertThat(failure.get()).rootCause().isInstanceOf(InvalidConfigurationPropertyValueException.class);
		assertThat(analysis.getDescription()).startsWith("Invalid value 'yyyy-MM-dd bb' for configuration property "
				+ "'kiwi.db.driver.date-string-format'")
			.contains("'yyyy-MM-dd bb' is not a date format the driver can use (")
			.contains("); use java.text.SimpleDateFormat's pattern letters");
		assertThat(this.dir.resolve("app.db")).doesNotExist();
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	/** How a JDBC timestamp bound by the application is stored: type and text. */
	private static String stored(JdbcTemplate jdbc) {
		jdbc.execute("CREATE TABLE event (at)");
		// With a calendar in UTC, as Hibernate binds an Instant: the text does not depend on the JVM's zone.
		jdbc.update("INSERT INTO event VALUES (?)", (insert) -> insert
			.setTimestamp(1, Timestamp.from(Instant.parse("2024-02-29T23:59:58.500Z")), Calendar.getInstance(UTC)));
		return jdbc.queryForObject("SELECT typeof(at) || ' ' || at FROM event", String.class);
	}

	private FailureAnalysis startupFailure(String... properties) {
		return startupFailure(new AtomicReference<>(), properties);
	}

	private FailureAnalysis startupFailure(AtomicReference<Throwable> failure, String... properties) {
		AtomicReference<ConfigurableApplicationContext> captured = new AtomicReference<>();
		AtomicReference<FailureAnalysis> analysis = new AtomicReference<>();
		this.runner.withInitializer(captured::set).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure.set(context.getStartupFailure());
			ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, captured.get().getBeanFactory())
				.and(Environment.class, captured.get().getEnvironment());
			List<FailureAnalyzer> analyzers = SpringFactoriesLoader
				.forDefaultResourceLocation(DriverDateOptionsTests.class.getClassLoader())
				.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
					// an analyzer that can't be built in this setting is skipped, as Boot does
				});
			analysis.set(analyzers.stream()
				.map((analyzer) -> analyzer.analyze(context.getStartupFailure()))
				.filter(Objects::nonNull)
				.findFirst()
				.orElse(null));
		});
		assertThat(analysis.get()).as("failure analysis of %s", failure.get()).isNotNull();
		return analysis.get();
	}

}
