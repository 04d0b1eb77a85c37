package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLIntegrityConstraintViolationException;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.jooq.exception.SQLStateClass;
import org.jooq.exception.SQLStateSubclass;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

/**
 * jOOQ on kiwi-db. Boot's jOOQ auto-configuration translates through Spring's subclass translator,
 * so its {@code DSLContext} throws Spring's exceptions; jOOQ on its own throws its
 * {@link DataAccessException} whose SQLState class and subclass come from the SQLState kiwi-db set.
 */
class JooqExceptionTranslationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class, JooqAutoConfiguration.class));

	private static int insertKiwi(DSLContext dsl, long id, String name, int weight, Long orchardId) {
		return dsl.insertInto(table("kiwi"), field("id"), field("name"), field("weight"), field("orchard_id"))
			.values(id, name, weight, orchardId)
			.execute();
	}

	@Test
	void bootsDslContextThrowsSpringsDuplicateKeyAndIntegrityExceptions() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("boot-jooq.db")).run((context) -> {
			Orchard.create(context.getBean(JdbcClient.class));
			DSLContext dsl = context.getBean(DSLContext.class);
			assertThat(dsl.dialect()).isEqualTo(SQLDialect.SQLITE);

			assertThatExceptionOfType(DuplicateKeyException.class).as("the existing id")
				.isThrownBy(() -> insertKiwi(dsl, 1, "Gold", 90, null))
				.withCauseInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThatExceptionOfType(DuplicateKeyException.class).as("the existing name")
				.isThrownBy(() -> insertKiwi(dsl, 2, "Hayward", 90, null));
			assertThatExceptionOfType(DataIntegrityViolationException.class).as("an unknown orchard")
				.isThrownBy(() -> insertKiwi(dsl, 2, "Gold", 90, 99L))
				.isExactlyInstanceOf(DataIntegrityViolationException.class)
				.withMessageContaining("FOREIGN KEY constraint failed");
			assertThat(dsl.fetchCount(table("kiwi"))).isEqualTo(1);
		});
	}

	@Test
	void bootsDslContextThrowsCannotAcquireLockWhileAnotherProcessHoldsTheWriteLock() {
		Path file = this.dir.resolve("shared.db");
		this.runner
			.withPropertyValues("kiwi.db.path=" + file, "kiwi.db.process-exclusive=false", "kiwi.db.busy-timeout=50ms")
			.run((context) -> {
				Orchard.create(context.getBean(JdbcClient.class));
				DSLContext dsl = context.getBean(DSLContext.class);
				TransactionTemplate transaction = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				try (Connection other = Orchard.holdWriteLock(file)) {
					assertThatExceptionOfType(CannotAcquireLockException.class)
						.isThrownBy(() -> transaction
							.executeWithoutResult((status) -> insertKiwi(dsl, 2, "Gold", 90, null)))
						.withMessageContaining("database is locked");
				}
				assertThat(insertKiwi(dsl, 2, "Gold", 90, null)).isEqualTo(1);
			});
	}

	@Test
	void jooqOnItsOwnThrowsAnIntegrityConstraintViolationWithTheStandardState() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("plain-jooq.db")).run((context) -> {
			Orchard.create(context.getBean(JdbcClient.class));
			DSLContext dsl = DSL.using(context.getBean(DataSource.class), SQLDialect.SQLITE);

			DataAccessException duplicate = catchThrowableOfType(
					DataAccessException.class, () -> insertKiwi(dsl, 1, "Gold", 90, null));
			assertThat(duplicate).isInstanceOf(IntegrityConstraintViolationException.class);
			assertThat(duplicate.sqlStateClass()).isEqualTo(SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION);
			assertThat(duplicate.sqlState()).isEqualTo("23505");

			DataAccessException unknownOrchard = catchThrowableOfType(
					DataAccessException.class, () -> insertKiwi(dsl, 2, "Gold", 90, 99L));
			assertThat(unknownOrchard.sqlStateClass()).isEqualTo(SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION);
			assertThat(unknownOrchard.sqlState()).isEqualTo("23503");

			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			DSLContext inTransactions = DSL.using(
					new TransactionAwareDataSourceProxy(context.getBean(DataSource.class)),
					SQLDialect.SQLITE);
			DataAccessException readOnlyWrite = catchThrowableOfType(
					DataAccessException.class,
					() -> readOnly.executeWithoutResult((status) -> insertKiwi(inTransactions, 2, "Gold", 90, null)));
			assertThat(readOnlyWrite.sqlStateSubclass()).isEqualTo(SQLStateSubclass.C25006_READ_ONLY_SQL_TRANSACTION);
			assertThat(readOnlyWrite).hasMessageContaining("A read-only transaction tried to write");

			assertThat(dsl.fetchCount(table("kiwi"))).isEqualTo(1);
		});
	}

}
