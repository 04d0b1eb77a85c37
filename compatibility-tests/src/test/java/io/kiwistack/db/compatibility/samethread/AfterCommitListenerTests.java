package io.kiwistack.db.compatibility.samethread;

import java.nio.file.Path;
import java.util.List;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit, outbox and notification pattern: a {@code @TransactionalEventListener(AFTER_COMMIT)}
 * that writes in a {@code REQUIRES_NEW} transaction, on the thread whose transaction just
 * committed and still holds kiwi-db's writer. Its write must land, not be lost in silence. A
 * {@code REQUIRES_NEW} that writes while the outer transaction holds the write lock can't work on
 * SQLite: it fails at once, naming both transactions and the code on the way.
 */
class AfterCommitListenerTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("orders.db"))
			.withUserConfiguration(Orders.class);
	}

	@Test
	void anAfterCommitListenerWritesInItsOwnTransactionOnTheCommittingThread() {
		runner().run((context) -> {
			OrderService orders = context.getBean(OrderService.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			for (int i = 1; i <= 5; i++) {
				orders.place("order " + i);
			}
			assertThat(jdbc.sql("SELECT item FROM orders ORDER BY id").query(String.class).list())
				.containsExactly("order 1", "order 2", "order 3", "order 4", "order 5");
			assertThat(jdbc.sql("SELECT entry FROM audit ORDER BY id").query(String.class).list())
				.containsExactly("placed order 1", "placed order 2", "placed order 3", "placed order 4",
						"placed order 5");
			assertThat(context.getBean(AuditListener.class).failures).as("listener failures").isEmpty();
		});
	}

	@Test
	void aRequiresNewThatWritesWhileTheOuterHoldsTheWriteLockFailsAtOnceNamingBoth() {
		runner().run((context) -> {
			OrderService orders = context.getBean(OrderService.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			long started = System.nanoTime();
			assertThatThrownBy(() -> orders.placeAndAuditInside("doomed"))
				.rootCause()
				.hasMessageContaining("asked for a second kiwi-db writer connection while a transaction")
				.hasMessageContaining("transaction '" + OrderService.class.getName() + ".placeAndAuditInside'")
				.hasMessageContaining("Asking: transaction '" + AuditWriter.class.getName() + ".write'")
				.hasMessageContaining(AfterCommitListenerTests.class.getName())
				.hasMessageContaining("AFTER_COMMIT");
			assertThat((System.nanoTime() - started) / 1_000_000).as("ms until it failed").isLessThan(2000);
			assertThat(jdbc.sql("SELECT count(*) FROM orders").query(Long.class).single())
				.as("the outer transaction rolled back")
				.isZero();
			orders.place("after");
			assertThat(jdbc.sql("SELECT count(*) FROM audit").query(Long.class).single()).isEqualTo(1);
		});
	}

	record OrderPlaced(String item) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Orders {

		@Bean
		OrderService orderService(JdbcClient jdbc, ApplicationEventPublisher events, AuditWriter audit) {
			jdbc.sql("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT NOT NULL)").update();
			jdbc.sql("CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, entry TEXT NOT NULL)").update();
			return new OrderService(jdbc, events, audit);
		}

		@Bean
		AuditWriter auditWriter(JdbcClient jdbc) {
			return new AuditWriter(jdbc);
		}

		@Bean
		AuditListener auditListener(AuditWriter audit) {
			return new AuditListener(audit);
		}

	}

	static class OrderService {

		private final JdbcClient jdbc;

		private final ApplicationEventPublisher events;

		private final AuditWriter audit;

		OrderService(JdbcClient jdbc, ApplicationEventPublisher events, AuditWriter audit) {
			this.jdbc = jdbc;
			this.events = events;
			this.audit = audit;
		}

		@Transactional
		public void place(String item) {
			this.jdbc.sql("INSERT INTO orders (item) VALUES (?)").param(item).update();
			this.events.publishEvent(new OrderPlaced(item));
		}

		@Transactional
		public void placeAndAuditInside(String item) {
			this.jdbc.sql("INSERT INTO orders (item) VALUES (?)").param(item).update();
			this.audit.write("placed " + item);
		}

	}

	static class AuditWriter {

		private final JdbcClient jdbc;

		AuditWriter(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public void write(String entry) {
			this.jdbc.sql("INSERT INTO audit (entry) VALUES (?)").param(entry).update();
		}

	}

	static class AuditListener {

		private final AuditWriter audit;

		final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

		AuditListener(AuditWriter audit) {
			this.audit = audit;
		}

		@TransactionalEventListener
		public void placed(OrderPlaced event) {
			try {
				this.audit.write("placed " + event.item());
			}
			catch (RuntimeException ex) {
				// Spring logs and swallows what an after-commit listener throws: keep it to assert on.
				this.failures.add(ex);
				throw ex;
			}
		}

	}

}
