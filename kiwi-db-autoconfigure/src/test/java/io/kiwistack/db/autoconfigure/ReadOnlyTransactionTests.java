package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @Transactional(readOnly = true)} with and without reader connections.
 */
class ReadOnlyTransactionTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class));

	@Test
	void withoutReadersReadOnlyTransactionsRunOnTheWriterAndRefuseWrites() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("writer-only.db"), "kiwi.db.pool.readers=0")
			.run((context) -> {
				assertThat(context.getBean(DataSource.class).unwrap(KiwiDataSource.class).readOnlyDataSource()).isEmpty();
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				jdbc.sql("CREATE TABLE notes (body TEXT)").update();
				jdbc.sql("INSERT INTO notes VALUES ('committed')").update();
				Object writer = jdbc.sql("SELECT 1")
					.query((rs, n) -> rs.getStatement().getConnection().unwrap(SQLiteConnection.class))
					.single();
				TransactionTemplate readOnly = readOnly(context.getBean(PlatformTransactionManager.class));
				for (int i = 0; i < 3; i++) {
					List<String> bodies = readOnly
						.execute((status) -> jdbc.sql("SELECT body FROM notes").query(String.class).list());
					assertThat(bodies).containsExactly("committed");
				}
				assertThatThrownBy(() -> readOnly.executeWithoutResult(
						(status) -> jdbc.sql("INSERT INTO notes VALUES ('sneaked in')").update()))
					.isInstanceOf(DataAccessException.class)
					.hasMessageContaining("read-only transaction tried to write");
				jdbc.sql("INSERT INTO notes VALUES ('after')").update();
				assertThat(jdbc.sql("SELECT body FROM notes ORDER BY rowid").query(String.class).list())
					.containsExactly("committed", "after");
				Object writerAfter = jdbc.sql("SELECT 1")
					.query((rs, n) -> rs.getStatement().getConnection().unwrap(SQLiteConnection.class))
					.single();
				assertThat(writerAfter).as("the writer's physical connection was kept, not replaced").isSameAs(writer);
			});
	}

	@Test
	void withReadersAReadOnlyTransactionSeesTheLatestCommitWhileTheWriterIsHeld() throws Exception {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("readers.db"), "kiwi.db.pool.readers=2")
			.run((context) -> {
				assertThat(context).getBeans(DataSource.class).hasSize(1);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				PlatformTransactionManager transactions = context.getBean(PlatformTransactionManager.class);
				jdbc.sql("CREATE TABLE notes (body TEXT)").update();
				jdbc.sql("INSERT INTO notes VALUES ('first')").update();
				CountDownLatch holding = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				ExecutorService executor = Executors.newSingleThreadExecutor();
				try {
					Future<?> holder = executor.submit(() -> new TransactionTemplate(transactions).executeWithoutResult((status) -> {
						jdbc.sql("INSERT INTO notes VALUES ('uncommitted')").update();
						holding.countDown();
						await(release);
					}));
					assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
					long started = System.nanoTime();
					List<String> bodies = readOnly(transactions)
						.execute((status) -> jdbc.sql("SELECT body FROM notes").query(String.class).list());
					assertThat(bodies).containsExactly("first");
					assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
						.as("a reader does not wait for the held writer").isLessThan(2_000);
					release.countDown();
					holder.get(10, TimeUnit.SECONDS);
					Integer count = readOnly(transactions)
						.execute((status) -> jdbc.sql("SELECT count(*) FROM notes").query(Integer.class).single());
					assertThat(count).as("the commit is visible to the next read-only transaction").isEqualTo(2);
				}
				finally {
					release.countDown();
					executor.shutdownNow();
				}
			});
	}

	private static TransactionTemplate readOnly(PlatformTransactionManager transactions) {
		TransactionTemplate template = new TransactionTemplate(transactions);
		template.setReadOnly(true);
		return template;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
