package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Integration's {@link JdbcLockRegistry} on kiwi-db, two clients on one database.
 * {@link DefaultLockRepository} takes a lock by updating its row when it is its own or expired,
 * else by inserting it; a {@code DataIntegrityViolationException} from that insert means another
 * client holds the lock, and {@code tryLock} answers false.
 */
class JdbcLockRegistryContentionTests {

	/**
	 * Spring Integration's lock table, in SQLite's terms (the library ships none for SQLite), as
	 * {@code integration/JdbcLockRegistryTests} creates it by migration: times are bound as
	 * {@code LocalDateTime}, which sqlite-jdbc stores as ISO-8601 text that sorts in time order.
	 */
	static final String INT_LOCK_TABLE = """
			CREATE TABLE INT_LOCK (
				LOCK_KEY      TEXT NOT NULL,
				REGION        TEXT NOT NULL,
				CLIENT_ID     TEXT,
				CREATED_DATE  TEXT NOT NULL,
				EXPIRED_AFTER TEXT NOT NULL,
				CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
			)""";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class));

	private static DefaultLockRepository client(DataSource dataSource, PlatformTransactionManager transactions,
			String id) {
		DefaultLockRepository repository = new DefaultLockRepository(dataSource, id);
		repository.setTransactionManager(transactions);
		repository.afterPropertiesSet();
		repository.afterSingletonsInstantiated();
		repository.start();
		return repository;
	}

	@Test
	void aSecondClientsTryLockIsFalseWhileTheFirstHoldsTheLockAndTrueAfterItsUnlock() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("locks.db")).run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			jdbc.sql(INT_LOCK_TABLE).update();
			DataSource dataSource = context.getBean(DataSource.class);
			PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
			Lock first = new JdbcLockRegistry(client(dataSource, transactions, "11111111-1111-1111-1111-111111111111"))
				.obtain("invoice-42");
			Lock second = new JdbcLockRegistry(client(dataSource, transactions, "22222222-2222-2222-2222-222222222222"))
				.obtain("invoice-42");

			assertThat(first.tryLock()).as("the first client, a new row").isTrue();
			assertThat(second.tryLock()).as("the second client while the first holds it").isFalse();
			assertThat(second.tryLock()).as("and again").isFalse();
			assertThat(jdbc.sql("SELECT CLIENT_ID FROM INT_LOCK WHERE LOCK_KEY <> ''").query(String.class).list())
				.containsExactly("11111111-1111-1111-1111-111111111111");

			first.unlock();
			assertThat(second.tryLock()).as("the second client after the first unlocked").isTrue();
			assertThat(first.tryLock()).as("the first client while the second holds it").isFalse();
			second.unlock();
			assertThat(jdbc.sql("SELECT count(*) FROM INT_LOCK").query(Long.class).single()).isZero();
		});
	}

}
