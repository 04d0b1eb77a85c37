package io.kiwistack.db.compatibility.dates;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Function;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.hibernate.KiwiDbHibernateAutoConfiguration;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hibernate's {@code Instant} and {@code LocalDateTime} on kiwi-db: Hibernate binds them as JDBC
 * timestamps, which the driver stores as its {@code kiwi.db.driver.*} options say.
 */
class HibernateDateColumnTests {

	private static final Instant TAKEN_AT = Instant.parse("2024-02-29T23:59:58.500Z");

	private static final LocalDateTime METER_TIME = LocalDateTime.parse("2024-03-01T08:15:00.250");

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbHibernateAutoConfiguration.class,
				DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				HibernateJpaAutoConfiguration.class))
		.withUserConfiguration(Entities.class);

	@Test
	void textColumnsHoldTheConfiguredFormatAndReadBack() {
		this.runner
			.withPropertyValues(database(), "kiwi.db.driver.date-class=text",
					"kiwi.db.driver.date-string-format=yyyy-MM-dd'T'HH:mm:ss.SSS")
			.run((context) -> {
				createTable(context, "TEXT");
				save(context, new Reading(1, TAKEN_AT, METER_TIME));
				save(context, new Reading(2, TAKEN_AT.plusSeconds(86_400), METER_TIME.plusDays(1)));

				// Instants in UTC, as Hibernate binds them; local date-times as they are.
				assertThat(stored(context)).containsExactly("text 2024-02-29T23:59:58.500 text 2024-03-01T08:15:00.250",
						"text 2024-03-01T23:59:58.500 text 2024-03-02T08:15:00.250");
				Reading first = inEntityManager(context, (entities) -> entities.find(Reading.class, 1L));
				assertThat(first.getTakenAt()).isEqualTo(TAKEN_AT);
				assertThat(first.getMeterTime()).isEqualTo(METER_TIME);
				// Fixed-width text sorts in time order, so comparisons in queries work on it.
				List<Reading> later = inEntityManager(context,
						(entities) -> entities.createQuery("from Reading where takenAt > :at", Reading.class)
							.setParameter("at", TAKEN_AT)
							.getResultList());
				assertThat(later).extracting(Reading::getMeterTime).containsExactly(METER_TIME.plusDays(1));
			});
	}

	@Test
	void byDefaultTimestampsAreEpochMillisecondsAsBefore() {
		this.runner.withPropertyValues(database()).run((context) -> {
			createTable(context, "TIMESTAMP");
			save(context, new Reading(1, TAKEN_AT, METER_TIME));

			assertThat(context.getBean(JdbcTemplate.class).queryForObject(
					"SELECT typeof(taken_at) || ' ' || taken_at FROM reading", String.class))
				.isEqualTo("integer 1709251198500");
			Reading read = inEntityManager(context, (entities) -> entities.find(Reading.class, 1L));
			assertThat(read.getTakenAt()).isEqualTo(TAKEN_AT);
			assertThat(read.getMeterTime()).isEqualTo(METER_TIME);
		});
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	private static void createTable(ApplicationContext context, String type) {
		context.getBean(JdbcTemplate.class)
			.execute("CREATE TABLE reading (id INTEGER PRIMARY KEY, taken_at " + type + " NOT NULL, meter_time " + type
					+ " NOT NULL)");
	}

	private static void save(ApplicationContext context, Reading reading) {
		inEntityManager(context, (entities) -> {
			entities.getTransaction().begin();
			entities.persist(reading);
			entities.getTransaction().commit();
			return null;
		});
	}

	private static List<String> stored(ApplicationContext context) {
		return context.getBean(JdbcTemplate.class)
			.queryForList("SELECT typeof(taken_at) || ' ' || taken_at || ' ' || typeof(meter_time) || ' ' || meter_time "
					+ "FROM reading ORDER BY id", String.class);
	}

	private static <T> T inEntityManager(ApplicationContext context, Function<EntityManager, T> work) {
		try (EntityManager entities = context.getBean(EntityManagerFactory.class).createEntityManager()) {
			return work.apply(entities);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = Reading.class)
	static class Entities {

	}

}
