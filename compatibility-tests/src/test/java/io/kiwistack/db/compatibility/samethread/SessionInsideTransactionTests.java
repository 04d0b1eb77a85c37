package io.kiwistack.db.compatibility.samethread;

import java.nio.file.Path;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Session JDBC saves every session in a {@code REQUIRES_NEW} transaction of its own. Called
 * from inside an application's transaction that has only read so far, that inner transaction
 * takes kiwi-db's writer on the same thread and its session row is there.
 */
class SessionInsideTransactionTests {

	@TempDir
	Path dir;

	@Test
	void aSessionSavedInsideATransactionThatOnlyReadIsStored() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
					SessionAutoConfiguration.class, JdbcSessionAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("sessions.db"),
					"spring.session.jdbc.initialize-schema=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcIndexedSessionRepository sessions = context.getBean(JdbcIndexedSessionRepository.class);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
				String id = transaction.execute((status) -> {
					long before = jdbc.sql("SELECT count(*) FROM SPRING_SESSION").query(Long.class).single();
					assertThat(before).isZero();
					return saveCart(sessions);
				});
				assertThat(jdbc.sql("SELECT count(*) FROM SPRING_SESSION WHERE SESSION_ID = ?").param(id)
					.query(Long.class)
					.single()).isEqualTo(1);
				assertThat(cartOf(sessions, id)).isEqualTo("3 kiwis");
			});
	}

	private static <S extends Session> String saveCart(SessionRepository<S> sessions) {
		S session = sessions.createSession();
		session.setAttribute("cart", "3 kiwis");
		sessions.save(session);
		return session.getId();
	}

	private static <S extends Session> String cartOf(SessionRepository<S> sessions, String id) {
		return sessions.findById(id).getAttribute("cart");
	}

}
