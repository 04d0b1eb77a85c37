package io.kiwistack.db.compatibility.integration;

import java.nio.file.Path;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.jdbc.lock.LockRepository;
import org.springframework.integration.util.UUIDConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Spring Integration's JDBC lock registry on kiwi-db: a {@link DefaultLockRepository} per client on
 * the application's data source, its {@code INT_LOCK} table created by a Flyway migration
 * ({@code db/integration/V1__int_lock.sql}). Two clients stand for two instances of a service.
 */
class JdbcLockRegistryTests {

	static final String SERVICE_A = uuid("service-a");

	static final String SERVICE_B = uuid("service-b");

	@TempDir
	Path directory;

	@Test
	void aLockIsARowOfItsClientUntilItIsUnlocked() {
		run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			Lock lock = registry(context, "serviceA", Duration.ofSeconds(60)).obtain("order-42");

			lock.lock();
			try {
				assertThat(jdbc.queryForMap("SELECT LOCK_KEY, REGION, CLIENT_ID FROM INT_LOCK"))
					.containsExactlyInAnyOrderEntriesOf(
							Map.of("LOCK_KEY", uuid("order-42"), "REGION", "DEFAULT", "CLIENT_ID", SERVICE_A));
			}
			finally {
				lock.unlock();
			}
			assertThat(count(jdbc)).isZero();
		});
	}

	/**
	 * Needs kiwi-db's SQLState mapping of SQLite's errors (issue 12): the other client's insert of
	 * the held lock's row fails on its primary key, which the repository must see as a
	 * {@code DataIntegrityViolationException} to answer "not acquired". Without it the failure is
	 * an {@code UncategorizedSQLException} and {@code tryLock} throws
	 * {@code CannotAcquireLockException}.
	 */
	@Test
	void anotherClientCannotTakeAHeldLockUntilItIsUnlocked() {
		run((context) -> {
			Lock heldByA = registry(context, "serviceA", Duration.ofSeconds(60)).obtain("order-42");
			Lock wantedByB = registry(context, "serviceB", Duration.ofSeconds(60)).obtain("order-42");
			heldByA.lock();

			// Another thread, as in another instance of the service.
			assertThat(CompletableFuture.supplyAsync(wantedByB::tryLock).join()).isFalse();
			assertThat(clientOf(context, "order-42")).isEqualTo(SERVICE_A);

			heldByA.unlock();
			assertThat(CompletableFuture.supplyAsync(wantedByB::tryLock).join()).isTrue();
			assertThat(clientOf(context, "order-42")).isEqualTo(SERVICE_B);
		});
	}

	/** Needs kiwi-db's SQLState mapping, as {@link #anotherClientCannotTakeAHeldLockUntilItIsUnlocked()}. */
	@Test
	void aLockWhoseTimeToLiveHasPassedGoesToAnotherClient() {
		run((context) -> {
			Lock heldByA = registry(context, "serviceA", Duration.ofMillis(500)).obtain("order-42");
			Lock wantedByB = registry(context, "serviceB", Duration.ofMillis(500)).obtain("order-42");
			heldByA.lock();
			assertThat(CompletableFuture.supplyAsync(wantedByB::tryLock).join()).isFalse();

			Thread.sleep(700);

			assertThat(CompletableFuture.supplyAsync(wantedByB::tryLock).join()).isTrue();
			assertThat(clientOf(context, "order-42")).isEqualTo(SERVICE_B);
			// A's lock is gone from the table: its unlock says so instead of deleting B's.
			assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(heldByA::unlock);
			assertThat(clientOf(context, "order-42")).isEqualTo(SERVICE_B);
		});
	}

	/**
	 * Spring Integration 7.1's {@code JdbcLock} retries a transient failure without looking at its
	 * deadline: while another thread holds kiwi-db's writer past the acquire timeout, {@code tryLock}
	 * waits as long as the writer stays busy, whatever its own wait time. When Spring Integration
	 * checks the deadline, this test fails, and the README's {@code WaitBoundedLockRepository} can go.
	 */
	@Test
	void tryLockOverrunsItsWaitTimeWhileAnotherThreadHoldsTheWriter() {
		run((context) -> {
			Lock lock = registry(context, "serviceA", Duration.ofSeconds(60)).obtain("order-42");

			TimedResult result = whileTheWriterIsHeld(context, Duration.ofSeconds(2),
					() -> lock.tryLock(100, TimeUnit.MILLISECONDS));

			assertThat(result.locked()).isTrue();
			assertThat(result.took()).isGreaterThan(Duration.ofMillis(1500));
		}, "kiwi.db.pool.acquire-timeout=300ms");
	}

	@Test
	void tryLockKeepsToItsWaitTimeOnAWaitBoundedRepository() {
		run((context) -> {
			LockRepository serviceA = context.getBean("serviceA", LockRepository.class);
			Lock lock = new JdbcLockRegistry(new WaitBoundedLockRepository(serviceA)).obtain("order-42");

			TimedResult result = whileTheWriterIsHeld(context, Duration.ofSeconds(2),
					() -> lock.tryLock(100, TimeUnit.MILLISECONDS));

			// One wait for the writer (the acquire timeout), then the lock's own wait is over.
			assertThat(result.locked()).isFalse();
			assertThat(result.took()).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(1500));
			assertThat(lock.tryLock()).isTrue();
			lock.unlock();
		}, "kiwi.db.pool.acquire-timeout=300ms");
	}

	@Test
	void aLockTakenInsideATransactionThatHasWrittenFailsAtOnce() {
		run((context) -> {
			Lock lock = registry(context, "serviceA", Duration.ofSeconds(60)).obtain("order-42");
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

			// The repository writes in a transaction of its own (REQUIRES_NEW): a second writer
			// connection on a thread that holds the first.
			assertThatExceptionOfType(CannotAcquireLockException.class)
				.isThrownBy(() -> transaction.executeWithoutResult((status) -> {
					jdbc.update("INSERT INTO work (name) VALUES ('inside')");
					lock.lock();
				}))
				.withRootCauseInstanceOf(SQLNonTransientConnectionException.class);

			// Taken before the transaction, the lock guards it.
			lock.lock();
			try {
				transaction.executeWithoutResult((status) -> jdbc.update("INSERT INTO work (name) VALUES ('guarded')"));
			}
			finally {
				lock.unlock();
			}
			assertThat(jdbc.queryForList("SELECT name FROM work", String.class)).containsExactly("guarded");
			assertThat(count(jdbc)).isZero();
		});
	}

	/** Runs {@code tryLock} while another thread holds the writer in a transaction for {@code hold}. */
	private static TimedResult whileTheWriterIsHeld(AssertableApplicationContext context, Duration hold,
			Callable<Boolean> tryLock) throws Exception {
		TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> transaction.executeWithoutResult((status) -> {
			jdbc.update("INSERT INTO work (name) VALUES ('long report')");
			holding.countDown();
			sleep(hold.toMillis());
		}));
		holding.await();
		long started = System.nanoTime();
		boolean locked = tryLock.call();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		holder.join();
		return new TimedResult(locked, took);
	}

	record TimedResult(boolean locked, Duration took) {
	}

	private void run(ThrowingConsumer test, String... properties) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					FlywayAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + this.directory.resolve("locks.db"),
					"spring.flyway.locations=classpath:db/integration")
			.withPropertyValues(properties)
			.withUserConfiguration(LockClients.class)
			.run((context) -> test.accept(context));
	}

	private static JdbcLockRegistry registry(AssertableApplicationContext context, String client, Duration ttl) {
		return new JdbcLockRegistry(context.getBean(client, LockRepository.class), ttl);
	}

	private static String clientOf(AssertableApplicationContext context, String key) {
		return context.getBean(JdbcTemplate.class)
			.queryForObject("SELECT CLIENT_ID FROM INT_LOCK WHERE LOCK_KEY = ?", String.class, uuid(key));
	}

	private static int count(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM INT_LOCK", Integer.class);
	}

	private static String uuid(String name) {
		return UUIDConverter.getUUID(name).toString();
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	interface ThrowingConsumer {

		void accept(AssertableApplicationContext context) throws Exception;

	}

	/** Two clients of the lock table, as two instances of a service would each have one. */
	@Configuration(proxyBeanMethods = false)
	static class LockClients {

		@Bean
		DefaultLockRepository serviceA(DataSource dataSource) {
			return new DefaultLockRepository(dataSource, SERVICE_A);
		}

		@Bean
		DefaultLockRepository serviceB(DataSource dataSource) {
			return new DefaultLockRepository(dataSource, SERVICE_B);
		}

	}

}
