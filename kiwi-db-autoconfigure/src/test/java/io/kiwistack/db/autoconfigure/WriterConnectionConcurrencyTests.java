package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The single writer connection under concurrent use through Boot's JdbcClient and transaction
 * manager: no {@code SQLITE_BUSY}, no lost or phantom commits, and clear errors when a thread waits
 * too long or asks for a second connection.
 */
class WriterConnectionConcurrencyTests {

	private static final int THREADS = 32;

	private static final Duration RUN_TIME = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class));

	@TempDir
	Path tempDir;

	@Test
	void concurrentWritesAndReadsNeverFailAndEveryAcknowledgedCommitIsKept() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db")).run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			TransactionTemplate transactions = new TransactionTemplate(
					context.getBean(PlatformTransactionManager.class));
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			jdbc.sql("CREATE TABLE items (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, payload TEXT NOT NULL)")
				.update();
			Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
			Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
			AtomicLong writes = new AtomicLong();
			AtomicLong rollbacks = new AtomicLong();
			AtomicLong reads = new AtomicLong();
			long deadline = System.nanoTime() + RUN_TIME.toNanos();
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				String name = "worker-" + i;
				Thread thread = new Thread(() -> {
					try {
						start.await();
						ThreadLocalRandom random = ThreadLocalRandom.current();
						while (System.nanoTime() < deadline) {
							int choice = random.nextInt(10);
							try {
								if (choice < 4) {
									Long id = transactions.execute((status) -> insert(jdbc, name));
									acknowledged.add(id);
									writes.incrementAndGet();
								}
								else if (choice == 4) {
									transactions.executeWithoutResult((status) -> {
										insert(jdbc, name);
										status.setRollbackOnly();
									});
									rollbacks.incrementAndGet();
								}
								else if (choice < 7) {
									// count(*) outside a transaction (the writer) or in a read-only one (a reader)
									if (random.nextBoolean()) {
										jdbc.sql("SELECT count(*) FROM items").query(Long.class).single();
									}
									else {
										readOnly.execute((status) -> jdbc.sql("SELECT count(*) FROM items")
											.query(Long.class)
											.single());
									}
									reads.incrementAndGet();
								}
								else {
									Long[] known = acknowledged.toArray(Long[]::new);
									if (known.length > 0) {
										long id = known[random.nextInt(known.length)];
										boolean onReader = random.nextBoolean();
										List<String> found = onReader
												? readOnly.execute((status) -> selectWriter(jdbc, id))
												: selectWriter(jdbc, id);
										if (found.size() != 1) {
											failures.add(new AssertionError("Acknowledged id " + id
													+ " not visible to a later read" + (onReader ? " on a reader" : "")));
										}
									}
									reads.incrementAndGet();
								}
							}
							catch (Throwable ex) {
								failures.add(ex);
							}
						}
					}
					catch (InterruptedException ex) {
						failures.add(ex);
					}
				}, name);
				threads.add(thread);
				thread.start();
			}
			start.countDown();
			for (Thread thread : threads) {
				thread.join(RUN_TIME.plusSeconds(60).toMillis());
				assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
			}
			assertThat(failures.stream().map(WriterConnectionConcurrencyTests::stackTrace)).as("busy errors")
				.noneMatch((text) -> text.contains("SQLITE_BUSY") || text.contains("database is locked"));
			assertThat(failures).as("exceptions").isEmpty();
			Set<Long> stored = new HashSet<>(jdbc.sql("SELECT id FROM items").query(Long.class).list());
			assertThat(writes.get()).isPositive();
			assertThat(rollbacks.get()).isPositive();
			assertThat(reads.get()).isPositive();
			assertThat(stored).hasSize(acknowledged.size()).isEqualTo(acknowledged);
		});
	}

	@Test
	void whenTheWriterIsHeldPastTheAcquireTimeoutThenTheWaiterFailsNamingTheHolder() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.acquire-timeout=200ms")
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				TransactionTemplate transactions = new TransactionTemplate(
						context.getBean(PlatformTransactionManager.class));
				jdbc.sql("CREATE TABLE items (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, payload TEXT NOT NULL)")
					.update();
				CountDownLatch holding = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				Queue<Throwable> holderFailures = new ConcurrentLinkedQueue<>();
				Thread holder = new Thread(() -> {
					try {
						transactions.executeWithoutResult((status) -> {
							insert(jdbc, "slow-holder");
							holding.countDown();
							try {
								release.await(10, TimeUnit.SECONDS);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						});
					}
					catch (Throwable ex) {
						holderFailures.add(ex);
					}
				}, "slow-holder");
				holder.start();
				try {
					assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

					long started = System.nanoTime();
					Throwable inTransaction = catchThrowable(
							() -> transactions.executeWithoutResult((status) -> insert(jdbc, "waiter")));
					Duration waited = Duration.ofNanos(System.nanoTime() - started);
					// CannotCreateTransactionException when the transaction manager borrows the connection
					// at begin, a DataAccessException when a lazy DataSource proxy borrows it at the first statement
					assertThat(inTransaction).isInstanceOfAny(CannotCreateTransactionException.class,
							DataAccessException.class);
					assertTimedOutNamingHolder(inTransaction);
					assertThat(waited).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));

					Throwable outsideTransaction = catchThrowable(
							() -> jdbc.sql("SELECT count(*) FROM items").query(Long.class).single());
					assertThat(outsideTransaction).isInstanceOf(DataAccessException.class);
					assertTimedOutNamingHolder(outsideTransaction);
				}
				finally {
					release.countDown();
					holder.join(10_000);
				}
				assertThat(holderFailures).isEmpty();
				assertThat(jdbc.sql("SELECT writer FROM items").query(String.class).list()).containsExactly("slow-holder");
			});
	}

	@Test
	void whenARequiresNewTransactionStartsInsideATransactionThenItFailsAtOnce() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.acquire-timeout=10s")
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
				TransactionTemplate outer = new TransactionTemplate(transactionManager);
				TransactionTemplate inner = new TransactionTemplate(transactionManager);
				inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
				jdbc.sql("CREATE TABLE items (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, payload TEXT NOT NULL)")
					.update();
				long started = System.nanoTime();
				Throwable failure = catchThrowable(() -> outer.executeWithoutResult((status) -> {
					insert(jdbc, "outer");
					inner.executeWithoutResult((innerStatus) -> insert(jdbc, "inner"));
				}));
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				assertThat(took).isLessThan(Duration.ofSeconds(2));
				assertThat(failure).isInstanceOfAny(CannotCreateTransactionException.class, DataAccessException.class);
				assertThat(causeChain(failure)).filteredOn(SQLNonTransientConnectionException.class::isInstance)
					.singleElement()
					.satisfies((nested) -> assertThat(nested.getMessage()).contains("REQUIRES_NEW",
							"'" + Thread.currentThread().getName() + "'"));
				// the outer transaction rolled back and the writer is free again
				assertThat(context.getBean(DataSource.class).unwrap(KiwiDataSource.class).status()).isNotNull();
				assertThat(jdbc.sql("SELECT count(*) FROM items").query(Long.class).single()).isZero();
				outer.executeWithoutResult((status) -> insert(jdbc, "after"));
				assertThat(jdbc.sql("SELECT writer FROM items").query(String.class).list()).containsExactly("after");
			});
	}

	@Test
	void readOnlyTransactionsRunOnAReaderWhileTheWriterIsHeld() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.readers=2",
					"kiwi.db.pool.acquire-timeout=200ms")
			.run((context) -> {
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
				TransactionTemplate transactions = new TransactionTemplate(transactionManager);
				TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
				readOnly.setReadOnly(true);
				jdbc.sql("CREATE TABLE items (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, payload TEXT NOT NULL)")
					.update();
				insert(jdbc, "committed");
				CountDownLatch holding = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				Thread holder = new Thread(() -> transactions.executeWithoutResult((status) -> {
					insert(jdbc, "uncommitted");
					holding.countDown();
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}), "slow-holder");
				holder.start();
				try {
					assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
					// the writer is taken: on the writer this would time out after 200 ms
					List<String> seen = readOnly.execute((status) -> jdbc.sql("SELECT writer FROM items ORDER BY id")
						.query(String.class)
						.list());
					assertThat(seen).containsExactly("committed");
					Throwable write = catchThrowable(
							() -> readOnly.executeWithoutResult((status) -> insert(jdbc, "from a reader")));
					assertThat(write).isInstanceOf(DataAccessException.class);
					assertThat(causeChain(write)).noneMatch(SQLTransientConnectionException.class::isInstance);
				}
				finally {
					release.countDown();
					holder.join(10_000);
				}
				assertThat(jdbc.sql("SELECT writer FROM items ORDER BY id").query(String.class).list())
					.containsExactly("committed", "uncommitted");
			});
	}

	private static void assertTimedOutNamingHolder(Throwable failure) {
		assertThat(causeChain(failure)).filteredOn(SQLTransientConnectionException.class::isInstance)
			.singleElement()
			.satisfies((timeout) -> assertThat(timeout.getMessage()).contains("'slow-holder'", "200 ms",
					"kiwi.db.pool.acquire-timeout"));
	}

	private static List<Throwable> causeChain(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

	private static List<String> selectWriter(JdbcClient jdbc, long id) {
		return jdbc.sql("SELECT writer FROM items WHERE id = ?").param(id).query(String.class).list();
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter out = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(out));
		return out.toString();
	}

	private static Long insert(JdbcClient jdbc, String writer) {
		KeyHolder keys = new GeneratedKeyHolder();
		jdbc.sql("INSERT INTO items (writer, payload) VALUES (?, ?)")
			.params(writer, "payload-" + ThreadLocalRandom.current().nextInt())
			.update(keys);
		return keys.getKey().longValue();
	}

}
