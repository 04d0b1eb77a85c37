package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.Connection;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.hibernate.KiwiDbHibernateAutoConfiguration;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * JPA with Hibernate's community SQLite dialect on kiwi-db. Hibernate converts the SQLException
 * itself: an {@code SQLIntegrityConstraintViolationException} becomes its
 * {@link ConstraintViolationException}, which Spring's JPA dialect makes a
 * {@link DataIntegrityViolationException} (not a {@code DuplicateKeyException}: Spring's JPA
 * dialect has no such distinction).
 */
class JpaExceptionTranslationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbHibernateAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class,
				DataJpaRepositoriesAutoConfiguration.class))
		.withUserConfiguration(Entities.class);

	@Test
	void savingADuplicateNameIsADataIntegrityViolationFromAUniqueConstraintViolation() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("jpa.db")).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			KiwiEntityRepository kiwis = context.getBean(KiwiEntityRepository.class);

			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> kiwis.saveAndFlush(new KiwiEntity("Hayward", 90, null)))
				.withCauseInstanceOf(ConstraintViolationException.class)
				.withMessageContaining("UNIQUE constraint failed: kiwi.name")
				.satisfies((ex) -> assertThat(((ConstraintViolationException) ex.getCause()).getSQLState())
					.isEqualTo("23505"));
			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> kiwis.saveAndFlush(new KiwiEntity("Gold", 90, 99L)))
				.withCauseInstanceOf(ConstraintViolationException.class)
				.satisfies((ex) -> assertThat(((ConstraintViolationException) ex.getCause()).getSQLState())
					.isEqualTo("23503"));

			assertThat(kiwis.saveAndFlush(new KiwiEntity("Gold", 90, 1L)).id).isEqualTo(2);
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(2);
		});
	}

	/**
	 * Hibernate takes an authorization failure for a failed connection: through JPA a write in a
	 * read-only transaction is a {@link DataAccessResourceFailureException}, with kiwi-db's message.
	 */
	@Test
	void aWriteInAReadOnlyTransactionIsRefusedSayingSo() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("jpa-read-only.db")).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			KiwiEntityRepository kiwis = context.getBean(KiwiEntityRepository.class);
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);

			assertThatExceptionOfType(DataAccessResourceFailureException.class)
				.isThrownBy(() -> readOnly
					.executeWithoutResult((status) -> kiwis.saveAndFlush(new KiwiEntity("Gold", 90, null))))
				.withMessageContaining("A read-only transaction tried to write");
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(1);
		});
	}

	/** Hibernate's SQLite dialect takes SQLite's busy code for a lock it could not acquire. */
	@Test
	void savingWhileAnotherProcessHoldsTheWriteLockIsCannotAcquireLock() {
		Path file = this.dir.resolve("jpa-shared.db");
		this.runner
			.withPropertyValues("kiwi.db.path=" + file, "kiwi.db.process-exclusive=false", "kiwi.db.busy-timeout=50ms")
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				Orchard.create(jdbc);
				KiwiEntityRepository kiwis = context.getBean(KiwiEntityRepository.class);
				try (Connection other = Orchard.holdWriteLock(file)) {
					assertThatExceptionOfType(CannotAcquireLockException.class)
						.isThrownBy(() -> kiwis.saveAndFlush(new KiwiEntity("Gold", 90, null)))
						.withMessageContaining("database is locked");
				}
				kiwis.saveAndFlush(new KiwiEntity("Gold", 90, null));
				assertThat(Orchard.kiwis(jdbc)).isEqualTo(2);
			});
	}

	@Entity
	@Table(name = "kiwi")
	static class KiwiEntity {

		@Id
		@GeneratedValue(strategy = GenerationType.IDENTITY)
		Long id;

		String name;

		Integer weight;

		Long orchardId;

		protected KiwiEntity() {
		}

		KiwiEntity(String name, Integer weight, Long orchardId) {
			this.name = name;
			this.weight = weight;
			this.orchardId = orchardId;
		}

	}

	interface KiwiEntityRepository extends JpaRepository<KiwiEntity, Long> {

	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = KiwiEntity.class)
	@EnableJpaRepositories(basePackageClasses = KiwiEntityRepository.class, considerNestedRepositories = true,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = KiwiEntityRepository.class))
	static class Entities {

	}

}
