package io.kiwistack.db.autoconfigure.hibernate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.JpaVendorAdapter;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbHibernateAutoConfiguration}'s connection handling: a connection per
 * transaction when kiwi-db has readers, so that an EntityManager that outlives its transactions
 * (open-in-view) writes after a read-only read.
 */
class KiwiDbHibernateAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				KiwiDbHibernateAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				FlywayAutoConfiguration.class, TransactionAutoConfiguration.class))
		.withUserConfiguration(NotePackage.class)
		.withPropertyValues("spring.flyway.locations=classpath:db/jpa");

	@TempDir
	Path tempDir;

	@Test
	void withReadersEachTransactionTakesItsOwnConnection() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db")).run((context) -> {
			assertThat(context.getBean(EntityManagerFactory.class).getProperties()).containsEntry(
					"hibernate.connection.handling_mode",
					PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION);
			assertThat(((JpaTransactionManager) context.getBean(PlatformTransactionManager.class)).getJpaDialect())
				.isInstanceOf(KiwiDbHibernateJpaDialect.class);
		});
	}

	@Test
	void aHandlingModeTheApplicationSetsWins() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"),
					"spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD")
			.run((context) -> assertThat(context.getBean(EntityManagerFactory.class).getProperties())
				.containsEntry("hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_HOLD"));
	}

	@Test
	void withoutReadersSessionsHoldTheirConnectionAsSpringHasThem() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.readers=0")
			.run((context) -> {
				assertThat(context.getBean(EntityManagerFactory.class).getProperties()).containsEntry(
						"hibernate.connection.handling_mode", PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_HOLD);
				assertThat(((JpaTransactionManager) context.getBean(PlatformTransactionManager.class)).getJpaDialect())
					.isExactlyInstanceOf(HibernateJpaDialect.class);
			});
	}

	@Test
	void anApplicationsOwnVendorAdapterWins() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"))
			.withUserConfiguration(OwnVendorAdapter.class)
			.run((context) -> {
				assertThat(context).getBean(JpaVendorAdapter.class).isExactlyInstanceOf(HibernateJpaVendorAdapter.class);
				assertThat(context.getBean(EntityManagerFactory.class).getProperties()).containsEntry(
						"hibernate.connection.handling_mode", PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_HOLD);
			});
	}

	@Test
	void anEntityManagerThatOutlivesItsTransactionsWritesAfterAReadOnlyRead() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db")).run((context) -> {
			long id = insertNote(context, "buy kiwis");
			inOneEntityManager(context, (entityManager) -> {
				Note note = transaction(context, true).execute((status) -> entityManager.find(Note.class, id));
				note.setBody("buy more kiwis");
				transaction(context, false).executeWithoutResult((status) -> entityManager.persist(
						new Note("peel kiwis", false, Instant.EPOCH)));
			});
			assertThat(JdbcClient.create(context.getBean(DataSource.class)).sql("SELECT body FROM note ORDER BY id").query(String.class).list())
				.containsExactly("buy more kiwis", "peel kiwis");
		});
	}

	@Test
	void aReadOnlyTransactionOfAnEntityManagerThatOutlivesItRunsOnAReader() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db")).run((context) -> {
			long id = insertNote(context, "buy kiwis");
			KiwiDbDataSource dataSource = context.getBean(KiwiDbDataSource.class);
			inOneEntityManager(context, (entityManager) -> {
				long writerLentBefore = dataSource.getKiwiDataSource().writerWaitStatistics().acquisitions();
				Note note = transaction(context, true).execute((status) -> entityManager.find(Note.class, id));
				assertThat(note.getBody()).isEqualTo("buy kiwis");
				assertThat(dataSource.getKiwiDataSource().writerWaitStatistics().acquisitions())
					.isEqualTo(writerLentBefore);
			});
		});
	}

	@Test
	void aTransactionWithAnIsolationLevelCommits() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db")).run((context) -> {
			TransactionTemplate serializable = transaction(context, false);
			serializable.setIsolationLevel(TransactionDefinition.ISOLATION_SERIALIZABLE);
			EntityManagerFactory factory = context.getBean(EntityManagerFactory.class);
			serializable.executeWithoutResult((status) -> EntityManagerFactoryUtils.getTransactionalEntityManager(factory)
				.persist(new Note("kiwi", false, Instant.EPOCH)));
			assertThat(JdbcClient.create(context.getBean(DataSource.class)).sql("SELECT count(*) FROM note").query(Long.class).single())
				.isOne();
		});
	}

	private static long insertNote(AssertableApplicationContext context, String body) {
		JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
		jdbc.sql("INSERT INTO note (body, pinned, created_at, version) VALUES (?, 0, 0, 0)").param(body).update();
		return jdbc.sql("SELECT max(id) FROM note").query(Long.class).single();
	}

	/** As open-in-view does: one EntityManager bound to the thread across transactions. */
	private static void inOneEntityManager(AssertableApplicationContext context, Consumer<EntityManager> work) {
		EntityManagerFactory factory = context.getBean(EntityManagerFactory.class);
		EntityManager entityManager = factory.createEntityManager();
		TransactionSynchronizationManager.bindResource(factory, new EntityManagerHolder(entityManager));
		try {
			work.accept(entityManager);
		}
		finally {
			TransactionSynchronizationManager.unbindResource(factory);
			EntityManagerFactoryUtils.closeEntityManager(entityManager);
		}
	}

	private static TransactionTemplate transaction(AssertableApplicationContext context, boolean readOnly) {
		TransactionTemplate template = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		template.setReadOnly(readOnly);
		return template;
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class NotePackage {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnVendorAdapter {

		@Bean
		HibernateJpaVendorAdapter jpaVendorAdapter() {
			return new HibernateJpaVendorAdapter();
		}

	}

}
