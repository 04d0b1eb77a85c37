package io.kiwistack.db.compatibility.backoff;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test that excludes Boot's {@code DataSourceAutoConfiguration} to run an application without a
 * database, as Spring PetClinic's {@code CrashControllerIntegrationTests} does, gets no kiwi-db
 * database either: with the exclusion on its configuration class or in
 * {@code spring.autoconfigure.exclude}. Every library on this module's class path is
 * auto-configured, as in an application that has them all.
 */
class DataSourceAutoConfigurationExcludedTests {

	/** Spring Modulith's event publication, whose registry needs JPA, excluded here with it. */
	private static final String MODULITH_EVENTS = "org.springframework.modulith.events.config.EventPublicationAutoConfiguration";

	private static final String MODULITH_JPA_EVENTS = "org.springframework.modulith.events.jpa.JpaEventPublicationAutoConfiguration";

	@Test
	void excludedOnTheApplicationClassThenTheApplicationRunsWithoutADatabase() throws Exception {
		assertNoDatabase(ExcludingOnTheApplication.class);
	}

	@Test
	void excludedByPropertyThenTheApplicationRunsWithoutADatabase() throws Exception {
		assertNoDatabase(ExcludingByProperty.class);
	}

	private static void assertNoDatabase(Class<?> testClass) throws Exception {
		TestContext test = new TestContextManager(testClass).getTestContext();
		ConfigurableApplicationContext context = (ConfigurableApplicationContext) test.getApplicationContext();
		try {
			assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
			assertThat(ConditionEvaluationReport.get(context.getBeanFactory())
				.getConditionAndOutcomesBySource()
				.get(KiwiDbAutoConfiguration.class.getName())
				.stream()
				.map((outcome) -> outcome.getOutcome().getMessage())).anyMatch((message) -> message
					.contains("DataSourceAutoConfiguration not excluded the application excludes it"));
		}
		finally {
			test.markApplicationContextDirty(null);
		}
	}

	/** An application as PetClinic's crash test declares it, without JPA or a database. */
	@SpringBootConfiguration
	@EnableAutoConfiguration(exclude = { DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, HibernateJpaAutoConfiguration.class },
			excludeName = { MODULITH_EVENTS, MODULITH_JPA_EVENTS })
	static class WithoutDatabase {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithAllAutoConfiguration {

	}

	@SpringBootTest(classes = WithoutDatabase.class, properties = "spring.quartz.auto-startup=false")
	static class ExcludingOnTheApplication {

	}

	@SpringBootTest(classes = WithAllAutoConfiguration.class,
			properties = { "spring.quartz.auto-startup=false",
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration,"
							+ "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration,"
							+ MODULITH_EVENTS + "," + MODULITH_JPA_EVENTS })
	static class ExcludingByProperty {

	}

}
