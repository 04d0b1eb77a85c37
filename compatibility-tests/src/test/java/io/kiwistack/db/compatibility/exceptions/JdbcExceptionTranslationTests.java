package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.WriteFence;
import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * SQLite's refusals through Boot's {@code JdbcTemplate} and {@code JdbcClient}, as Spring's
 * exception hierarchy: the default translator reads the SQLState and subclass kiwi-db's handles
 * give them, so a duplicate key is a {@link DuplicateKeyException}, a held write lock a
 * {@link CannotAcquireLockException}, and kiwi-db's own refusals keep their messages.
 */
class JdbcExceptionTranslationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
				JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				TransactionAutoConfiguration.class));

	/** The two ways Boot offers to run a statement. */
	enum Access {

		JDBC_TEMPLATE {
			@Override
			void update(AssertableApplicationContext context, String sql) {
				context.getBean(JdbcTemplate.class).update(sql);
			}
		},

		JDBC_CLIENT {
			@Override
			void update(AssertableApplicationContext context, String sql) {
				context.getBean(JdbcClient.class).sql(sql).update();
			}
		};

		abstract void update(AssertableApplicationContext context, String sql);

	}

	private ApplicationContextRunner onFile(String name, String... properties) {
		return this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve(name)).withPropertyValues(properties);
	}

	@ParameterizedTest
	@EnumSource(Access.class)
	void aDuplicatePrimaryKeyOrUniqueNameIsADuplicateKeyException(Access access) {
		onFile("duplicates.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			for (String duplicate : new String[] { Orchard.DUPLICATE_ID, Orchard.DUPLICATE_NAME }) {
				assertThatExceptionOfType(DuplicateKeyException.class).as(duplicate)
					.isThrownBy(() -> access.update(context, duplicate))
					.withCauseInstanceOf(SQLIntegrityConstraintViolationException.class)
					.withMessageContaining("UNIQUE constraint failed: kiwi.")
					.satisfies((ex) -> assertThat(((SQLIntegrityConstraintViolationException) ex.getCause()).getSQLState())
						.isEqualTo("23505"));
			}
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(Access.class)
	void foreignKeyNotNullAndCheckViolationsAreDataIntegrityViolationsButNoDuplicates(Access access) {
		onFile("violations.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			String[][] violations = { { Orchard.UNKNOWN_ORCHARD, "FOREIGN KEY constraint failed" },
					{ Orchard.NO_NAME, "NOT NULL constraint failed: kiwi.name" },
					{ Orchard.NEGATIVE_WEIGHT, "CHECK constraint failed: weight > 0" } };
			for (String[] violation : violations) {
				assertThatExceptionOfType(DataIntegrityViolationException.class).as(violation[0])
					.isThrownBy(() -> access.update(context, violation[0]))
					.isExactlyInstanceOf(DataIntegrityViolationException.class)
					.withCauseInstanceOf(SQLIntegrityConstraintViolationException.class)
					.withMessageContaining(violation[1]);
			}
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(1);
		});
	}

	@ParameterizedTest
	@EnumSource(Access.class)
	void aValueSqliteCantStoreIsADataIntegrityViolation(Access access) {
		onFile("mismatch.db").run((context) -> {
			Orchard.create(context.getBean(JdbcClient.class));
			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> access.update(context, "INSERT INTO kiwi (id, name, weight) VALUES ('K', 'Gold', 90)"))
				.isExactlyInstanceOf(DataIntegrityViolationException.class)
				.withCauseInstanceOf(SQLDataException.class)
				.withMessageContaining("datatype mismatch");
		});
	}

	/** {@code PRAGMA max_page_count} makes SQLite refuse the next page as a full disk does. */
	@ParameterizedTest
	@EnumSource(Access.class)
	void aFullDiskIsADataAccessResourceFailure(Access access) {
		onFile("full.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			long pages = jdbc.sql("PRAGMA page_count").query(Long.class).single();
			jdbc.sql("PRAGMA max_page_count = " + pages).query(Long.class).single();
			try {
				assertThatExceptionOfType(DataAccessResourceFailureException.class)
					.isThrownBy(() -> {
						for (int i = 0; i < 100; i++) {
							access.update(context, "INSERT INTO orchard (name) VALUES (printf('%.3000c', 'x'))");
						}
					})
					.withMessageContaining("SQLITE_FULL")
					.satisfies((ex) -> assertThat(((SQLException) ex.getCause()).getSQLState()).isEqualTo("53100"));
			}
			finally {
				jdbc.sql("PRAGMA max_page_count = 1000000").query(Long.class).single();
			}
		});
	}

	@Test
	void aDuplicateInABatchIsADuplicateKeyException() {
		onFile("batch.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			JdbcTemplate template = context.getBean(JdbcTemplate.class);
			assertThatExceptionOfType(DuplicateKeyException.class)
				.isThrownBy(() -> template.batchUpdate(Orchard.NEW_KIWI, Orchard.DUPLICATE_NAME));
			assertThatExceptionOfType(DuplicateKeyException.class)
				.isThrownBy(() -> template.batchUpdate("INSERT INTO kiwi (id, name, weight) VALUES (?, ?, 90)",
						List.of(new Object[] { 3, "Zesy" }, new Object[] { 1, "Red" })));
		});
	}

	@Test
	void aDeferredForeignKeyRefusedAtCommitIsADataIntegrityViolation() {
		onFile("deferred.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			jdbc.sql("CREATE TABLE crate (id INTEGER PRIMARY KEY, "
					+ "kiwi_id INTEGER REFERENCES kiwi (id) DEFERRABLE INITIALLY DEFERRED)").update();
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatExceptionOfType(DataIntegrityViolationException.class)
				.isThrownBy(() -> transaction
					.executeWithoutResult((status) -> jdbc.sql("INSERT INTO crate VALUES (1, 99)").update()))
				.isExactlyInstanceOf(DataIntegrityViolationException.class)
				.withMessageContaining("FOREIGN KEY constraint failed");
			assertThat(jdbc.sql("SELECT count(*) FROM crate").query(Long.class).single()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource(Access.class)
	void aWriteInAReadOnlyTransactionIsRefusedSayingSo(Access access) {
		for (String readers : new String[] { "0", "2" }) {
			onFile("read-only-" + readers + ".db", "kiwi.db.pool.readers=" + readers).run((context) -> {
				Orchard.create(context.getBean(JdbcClient.class));
				TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				readOnly.setReadOnly(true);
				assertThatExceptionOfType(PermissionDeniedDataAccessException.class).as("readers=%s", readers)
					.isThrownBy(() -> readOnly.executeWithoutResult((status) -> access.update(context, Orchard.NEW_KIWI)))
					.withMessageContaining("A read-only transaction tried to write")
					.withMessageContaining("run writes in a read-write transaction");
				assertThat(Orchard.kiwis(context.getBean(JdbcClient.class))).isEqualTo(1);
			});
		}
	}

	/**
	 * Another process holds SQLite's write lock (the file shared, {@code process-exclusive=false}):
	 * after the busy timeout a write, alone or in a transaction, fails as a lock it could not get.
	 */
	@ParameterizedTest
	@EnumSource(Access.class)
	void aWriteLockHeldByAnotherProcessIsCannotAcquireLock(Access access) {
		Path file = this.dir.resolve("shared.db");
		onFile("shared.db", "kiwi.db.process-exclusive=false", "kiwi.db.busy-timeout=50ms").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			try (Connection other = Orchard.holdWriteLock(file)) {
				assertThatExceptionOfType(CannotAcquireLockException.class)
					.isThrownBy(() -> access.update(context, Orchard.NEW_KIWI))
					.withMessageContaining("database is locked");
				assertThatExceptionOfType(CannotAcquireLockException.class)
					.isThrownBy(() -> transaction.executeWithoutResult((status) -> access.update(context, Orchard.NEW_KIWI)))
					.withMessageContaining("database is locked");
			}
			transaction.executeWithoutResult((status) -> access.update(context, Orchard.NEW_KIWI));
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(2);
		});
	}

	/**
	 * The writer held by another thread past {@code acquire-timeout}: connections are fetched at
	 * the first statement, so the timeout is a transient resource failure that keeps kiwi-db's
	 * message, with or without a transaction.
	 */
	@Test
	void waitingForTheWriterPastTheAcquireTimeoutIsATransientResourceFailure() throws Exception {
		onFile("held.db", "kiwi.db.pool.acquire-timeout=200ms").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			DataSource dataSource = context.getBean(DataSource.class);
			CountDownLatch held = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			ExecutorService holder = Executors.newSingleThreadExecutor((task) -> new Thread(task, "writer-holder"));
			try {
				Future<?> holding = holder.submit(() -> {
					try (Connection connection = dataSource.getConnection()) {
						connection.createStatement().close();
						held.countDown();
						release.await(10, TimeUnit.SECONDS);
					}
					return null;
				});
				assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
				TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				for (Runnable write : new Runnable[] { () -> jdbc.sql(Orchard.NEW_KIWI).update(),
						() -> transaction.executeWithoutResult((status) -> jdbc.sql(Orchard.NEW_KIWI).update()) }) {
					assertThatExceptionOfType(TransientDataAccessResourceException.class).isThrownBy(write::run)
						.withCauseInstanceOf(SQLTransientConnectionException.class)
						.withMessageContaining("Timed out after")
						.withMessageContaining("writer-holder");
				}
				release.countDown();
				holding.get(10, TimeUnit.SECONDS);
			}
			finally {
				release.countDown();
				holder.shutdownNow();
			}
			assertThat(Orchard.kiwis(jdbc)).isEqualTo(1);
		});
	}

	/**
	 * Replication's fence: while a claim can't be renewed a write is a transient resource failure
	 * (it goes through once a renewal succeeds); once another node took the claim it is refused
	 * for good, like a read replica's. Both keep the fence's message and SQLState 25006.
	 */
	@ParameterizedTest
	@EnumSource(Access.class)
	void theWriteFenceRefusesTransientlyThenForGood(Access access) {
		onFile("fenced.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			WriteFence fence = context.getBean(DataSource.class).unwrap(KiwiDataSource.class).writeFence();
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

			fence.allowUntil(System.nanoTime() - 1, "the claim on the replica could not be renewed");
			Throwable expired = catchThrowable(() -> access.update(context, Orchard.NEW_KIWI));
			assertThat(expired).isInstanceOf(TransientDataAccessResourceException.class)
				.hasMessageContaining("the claim on the replica could not be renewed");
			assertThat(((SQLException) expired.getCause()).getSQLState()).isEqualTo(WriteFence.SQL_STATE);

			fence.allowUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1), "unused");
			transaction.executeWithoutResult((status) -> access.update(context, Orchard.NEW_KIWI));

			fence.depose("another node holds the claim");
			assertThatExceptionOfType(PermissionDeniedDataAccessException.class)
				.isThrownBy(() -> transaction.executeWithoutResult(
						(status) -> access.update(context, "INSERT INTO kiwi (id, name, weight) VALUES (3, 'Red', 80)")))
				.withMessageContaining("another node holds the claim");
			// The fence stops the writer's reads too; a read-only transaction runs on a reader.
			transaction.setReadOnly(true);
			Long kiwis = transaction.execute((status) -> Orchard.kiwis(jdbc));
			assertThat(kiwis).isEqualTo(2);
		});
	}

	/**
	 * The fence rising while a commit runs (here: from SQLite's commit hook): the transaction
	 * manager reports a failed commit, not a transient failure to retry, since the work is in the
	 * file already.
	 */
	@Test
	void aCommitTheFenceRoseDuringIsAFailedCommit() {
		onFile("fenced-commit.db").run((context) -> {
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			Orchard.create(jdbc);
			KiwiDataSource kiwi = context.getBean(DataSource.class).unwrap(KiwiDataSource.class);
			SQLiteCommitListener deposeOnCommit = new SQLiteCommitListener() {

				@Override
				public void onCommit() {
					kiwi.writeFence().depose("another node holds the claim");
				}

				@Override
				public void onRollback() {
				}

			};
			try (Connection writer = kiwi.getConnection()) {
				writer.unwrap(SQLiteConnection.class).addCommitListener(deposeOnCommit);
			}
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			assertThatExceptionOfType(TransactionSystemException.class)
				.isThrownBy(() -> transaction.executeWithoutResult((status) -> jdbc.sql(Orchard.NEW_KIWI).update()))
				.withMessageContaining("JDBC commit failed")
				.havingCause()
				.isInstanceOf(SQLNonTransientException.class)
				.withMessageContaining("committed to the local file but is not acknowledged");
			try (Connection writer = kiwi.getConnection()) {
				writer.unwrap(SQLiteConnection.class).removeCommitListener(deposeOnCommit);
			}
			transaction.setReadOnly(true);
			Long kiwis = transaction.execute((status) -> Orchard.kiwis(jdbc));
			assertThat(kiwis).as("the commit is in the file").isEqualTo(2);
		});
	}

}
