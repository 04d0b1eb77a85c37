package io.kiwistack.db.compatibility.dates;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code JdbcTemplate} reading text dates into {@link Timestamp}: the driver parses text with
 * {@code kiwi.db.driver.date-string-format}, on the writer and on the read-only connections alike.
 */
class JdbcTextDateTests {

	private static final Instant LEAP_DAY = Instant.parse("2024-02-29T23:59:58.500Z");

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class));

	@Test
	void textInTheConfiguredFormatReadsAsATimestampOnTheWriterAndOnAReader() {
		this.runner.withPropertyValues(database(), "kiwi.db.driver.date-string-format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				// The text SQLite's own strftime('%Y-%m-%dT%H:%M:%fZ', ...) writes, as an application's
				// other code, or another program, may have stored it.
				jdbc.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
				jdbc.update("INSERT INTO event VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 1709251198.5, 'unixepoch'))");
				assertThat(jdbc.queryForObject("SELECT at FROM event", String.class)).isEqualTo("2024-02-29T23:59:58.500Z");

				assertThat(jdbc.queryForObject("SELECT at FROM event", Timestamp.class)).isEqualTo(Timestamp.from(LEAP_DAY));
				assertThat(readOnly(context, () -> jdbc.queryForObject("SELECT at FROM event", Timestamp.class)))
					.isEqualTo(Timestamp.from(LEAP_DAY));
			});
	}

	@Test
	void byDefaultOnlyTheDriversOwnFormatReadsAsATimestamp() {
		this.runner.withPropertyValues(database()).run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			jdbc.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
			jdbc.update("INSERT INTO event VALUES (1, '2024-02-29 23:59:58.500'), (2, '2024-02-29T23:59:58.500Z')");

			assertThat(jdbc.queryForObject("SELECT at FROM event WHERE id = 1", Timestamp.class))
				.isEqualTo(Timestamp.valueOf("2024-02-29 23:59:58.5"));
			assertThatExceptionOfType(UncategorizedSQLException.class)
				.isThrownBy(() -> jdbc.queryForObject("SELECT at FROM event WHERE id = 2", Timestamp.class))
				.withMessageContaining("Error parsing time stamp");
		});
	}

	@Test
	void timestampsBoundAsTextAreWrittenInTheFormat() {
		this.runner
			.withPropertyValues(database(), "kiwi.db.driver.date-class=text",
					"kiwi.db.driver.date-string-format=yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				jdbc.execute("CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT NOT NULL)");
				jdbc.update("INSERT INTO event VALUES (1, ?)", Timestamp.from(LEAP_DAY));

				// The zone in the text makes it the same instant whatever the JVM's time zone.
				assertThat(jdbc.queryForObject("SELECT at FROM event", Timestamp.class)).isEqualTo(Timestamp.from(LEAP_DAY));
				assertThat(jdbc.queryForObject("SELECT unixepoch(at, 'subsec') FROM event", Double.class))
					.isEqualTo(1709251198.5);
			});
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	private static <T> T readOnly(ApplicationContext context, java.util.function.Supplier<T> work) {
		TransactionTemplate transaction = new TransactionTemplate(
				context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
		transaction.setReadOnly(true);
		return transaction.execute((status) -> work.get());
	}

}
