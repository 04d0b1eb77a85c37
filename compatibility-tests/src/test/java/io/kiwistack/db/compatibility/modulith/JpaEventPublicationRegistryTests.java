package io.kiwistack.db.compatibility.modulith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.hibernate.KiwiDbHibernateAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.modulith.events.CompletedEventPublications;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.modulith.events.config.EventPublicationAutoConfiguration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Spring Modulith's event publication registry on kiwi-db, in its JPA flavour
 * ({@code spring-modulith-starter-jpa}) with the Hibernate SQLite dialect kiwi-db configures. The
 * {@code EVENT_PUBLICATION} table comes from a Flyway migration. Modulith's JDBC flavour refuses
 * SQLite ("Unsupported database type").
 */
class JpaEventPublicationRegistryTests {

	@TempDir
	Path directory;

	@Test
	void aPublicationIsCompletedOnceItsListenerCommits() {
		run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

			context.getBean(Orders.class).place("order-1");

			await().atMost(Duration.ofSeconds(20)).until(() -> status(jdbc).equals(List.of("COMPLETED")));
			assertThat(jdbc.queryForMap("SELECT LISTENER_ID, EVENT_TYPE, SERIALIZED_EVENT, COMPLETION_ATTEMPTS, "
					+ "COMPLETION_DATE >= PUBLICATION_DATE AS COMPLETED_AFTER_PUBLICATION FROM EVENT_PUBLICATION"))
				.containsExactlyInAnyOrderEntriesOf(Map.of("LISTENER_ID", listenerId(Shipping.class), "EVENT_TYPE",
						OrderPlaced.class.getName(), "SERIALIZED_EVENT", "{\"orderId\":\"order-1\"}",
						"COMPLETION_ATTEMPTS", 1, "COMPLETED_AFTER_PUBLICATION", 1));
			assertThat(shipments(jdbc)).containsExactly("order-1");
			assertThat(context.getBean(CompletedEventPublications.class).findAll()).extracting(EventPublication::getEvent)
				.containsExactly(new OrderPlaced("order-1"));
		});
	}

	@Test
	void aPublicationWhoseListenerFailsStaysIncompleteUntilItIsResubmitted() {
		run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			context.getBean(Shipping.class).failNext(1);

			context.getBean(Orders.class).place("order-2");

			await().atMost(Duration.ofSeconds(20)).until(() -> status(jdbc).equals(List.of("FAILED")));
			assertThat(jdbc.queryForMap("SELECT COMPLETION_DATE, COMPLETION_ATTEMPTS FROM EVENT_PUBLICATION"))
				.containsEntry("COMPLETION_DATE", null)
				.containsEntry("COMPLETION_ATTEMPTS", 1);
			// The failed listener's transaction rolled back: no shipment.
			assertThat(shipments(jdbc)).isEmpty();
			assertThat(context.getBean(CompletedEventPublications.class).findAll()).isEmpty();

			context.getBean(IncompleteEventPublications.class).resubmitIncompletePublications((publication) -> true);

			await().atMost(Duration.ofSeconds(20)).until(() -> status(jdbc).equals(List.of("COMPLETED")));
			assertThat(shipments(jdbc)).containsExactly("order-2");
			assertThat(jdbc.queryForObject("SELECT COMPLETION_ATTEMPTS FROM EVENT_PUBLICATION", Integer.class)).isEqualTo(2);
		});
	}

	@Test
	void aRolledBackTransactionLeavesNoPublication() {
		run((context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

			assertThatIllegalStateException().isThrownBy(() -> context.getBean(Orders.class).placeAndFail("order-3"))
				.withMessage("Payment declined for order-3");

			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM placed_order", Integer.class)).isZero();
			assertThat(status(jdbc)).isEmpty();
			assertThat(shipments(jdbc)).isEmpty();
		});
	}

	/**
	 * Needs kiwi-db to lend the writer again on the thread of a transaction that has committed
	 * (issue 12): before the listener runs, Modulith marks the publication as processing in a
	 * transaction of its own, which kiwi-db refused while the committed transaction still held its
	 * connection; the publication then stayed published and the listener never ran.
	 */
	@Test
	void aPublicationIsCompletedByASynchronousListenerAfterTheCommit() {
		run(Invoicing.class, (context) -> {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);

			context.getBean(Orders.class).place("order-4");

			// The listener ran before place() returned, on the same thread.
			assertThat(status(jdbc)).containsExactly("COMPLETED");
			assertThat(jdbc.queryForObject("SELECT LISTENER_ID FROM EVENT_PUBLICATION", String.class))
				.isEqualTo(listenerId(Invoicing.class));
			// Committed, as a reader (which sees committed transactions only) shows.
			TransactionTemplate readOnly = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			List<String> invoices = readOnly
				.execute((status) -> jdbc.queryForList("SELECT order_id || ' ' || thread FROM invoice", String.class));
			assertThat(invoices).containsExactly("order-4 " + Thread.currentThread().getName());
		});
	}

	private void run(ThrowingConsumer test) {
		run(Shipping.class, test);
	}

	private void run(Class<?> listener, ThrowingConsumer test) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class,
					KiwiDbHibernateAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
					TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					FlywayAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
					JacksonAutoConfiguration.class, EventPublicationAutoConfiguration.class,
					modulith("org.springframework.modulith.events.jpa.JpaEventPublicationAutoConfiguration"),
					modulith("org.springframework.modulith.events.jackson.JacksonEventSerializationConfiguration")))
			.withPropertyValues("kiwi.db.path=" + this.directory.resolve("modulith.db"),
					"spring.flyway.locations=classpath:db/modulith")
			.withBean(Orders.class)
			.withBean(listener)
			.run((context) -> test.accept(context));
	}

	/** One of Modulith's auto-configurations, which are not public classes. */
	private static Class<?> modulith(String className) {
		return ClassUtils.resolveClassName(className, null);
	}

	/** How Modulith names a listener method {@code on(OrderPlaced)} in the registry. */
	private static String listenerId(Class<?> listener) {
		return listener.getName() + ".on(" + OrderPlaced.class.getName() + ")";
	}

	private static List<String> status(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT STATUS FROM EVENT_PUBLICATION", String.class);
	}

	private static List<String> shipments(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT order_id FROM shipment", String.class);
	}

	interface ThrowingConsumer {

		void accept(AssertableApplicationContext context) throws Exception;

	}

}
