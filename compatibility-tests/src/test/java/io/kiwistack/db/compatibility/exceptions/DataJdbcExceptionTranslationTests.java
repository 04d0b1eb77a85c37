package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.SQLIntegrityConstraintViolationException;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.data.KiwiDbDataJdbcAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.annotation.Id;
import org.springframework.data.jdbc.core.JdbcAggregateTemplate;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Data JDBC repositories on kiwi-db: the same SQLite refusals reach the application as
 * {@link DuplicateKeyException} and {@link DataIntegrityViolationException}, unwrapped.
 */
class DataJdbcExceptionTranslationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, KiwiDbDataJdbcAutoConfiguration.class,
				DataJdbcRepositoriesAutoConfiguration.class))
		.withUserConfiguration(Repositories.class);

	@Test
	void savingADuplicateIdOrNameIsADuplicateKeyException() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("duplicates.db")).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			KiwiRepository kiwis = context.getBean(KiwiRepository.class);
			JdbcAggregateTemplate aggregates = context.getBean(JdbcAggregateTemplate.class);

			assertThatExceptionOfType(DuplicateKeyException.class).as("an insert with the existing id")
				.isThrownBy(() -> aggregates.insert(new Kiwi(1L, "Gold", 90, null)))
				.withCauseInstanceOf(SQLIntegrityConstraintViolationException.class)
				.withMessageContaining("UNIQUE constraint failed: kiwi.id");
			assertThatExceptionOfType(DuplicateKeyException.class).as("a new kiwi with the existing name")
				.isThrownBy(() -> kiwis.save(new Kiwi(null, "Hayward", 90, null)))
				.withMessageContaining("UNIQUE constraint failed: kiwi.name");
			assertThat(kiwis.count()).isEqualTo(1);
		});
	}

	@Test
	void savingAnUnknownOrchardNoNameOrANegativeWeightIsADataIntegrityViolationButNoDuplicate() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("violations.db")).run((context) -> {
			Orchard.create(context.getBean(JdbcClient.class));
			KiwiRepository kiwis = context.getBean(KiwiRepository.class);
			Kiwi[] violations = { new Kiwi(null, "Gold", 90, 99L), new Kiwi(null, null, 90, null),
					new Kiwi(null, "Gold", -1, null) };
			String[] messages = { "FOREIGN KEY constraint failed", "NOT NULL constraint failed: kiwi.name",
					"CHECK constraint failed: weight > 0" };
			for (int i = 0; i < violations.length; i++) {
				Kiwi violation = violations[i];
				assertThatExceptionOfType(DataIntegrityViolationException.class).as(messages[i])
					.isThrownBy(() -> kiwis.save(violation))
					.isExactlyInstanceOf(DataIntegrityViolationException.class)
					.withMessageContaining(messages[i]);
			}
			Kiwi gold = kiwis.save(new Kiwi(null, "Gold", 90, 1L));
			assertThat(gold.id()).isEqualTo(2);
			assertThat(kiwis.count()).isEqualTo(2);
		});
	}

	@Table("kiwi")
	record Kiwi(@Id Long id, String name, Integer weight, Long orchardId) {
	}

	interface KiwiRepository extends ListCrudRepository<Kiwi, Long> {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableJdbcRepositories(basePackageClasses = KiwiRepository.class, considerNestedRepositories = true,
			includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = KiwiRepository.class))
	static class Repositories {

	}

}
