package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Replication starts when the application context is refreshed, not while its beans are created,
 * and stops for good when the context stops or closes; pausing a context leaves it running.
 */
class ReplicationLifecycleTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				FlywayAutoConfiguration.class))
		.withPropertyValues("kiwi.db.replication.enabled=true", "kiwi.db.replication.sync-interval=100ms");

	private ApplicationContextRunner runner() {
		return this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"),
				"kiwi.db.replication.url=file:" + this.dir.resolve("replica"));
	}

	@Test
	void replicationStartsWhenTheContextIsRefreshedNotWhenItsBeanIsCreated() {
		runner().withBean(CreatedAlongside.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CreatedAlongside.class).replicationRunning)
				.as("running while the context's beans are created").isFalse();
			KiwiDbReplicator replicator = context.getBean(KiwiDbReplicator.class);
			assertThat(replicator.isRunning()).isTrue();
			assertThat(context.getBean(ReplicationLifecycle.class).isRunning()).isTrue();
			context.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('shipped')").update();
			assertThat(((PrimaryReplication) replicator).awaitReplicated(Duration.ofSeconds(10))).isTrue();
		});
	}

	@Test
	void pausingTheContextLeavesReplicationRunning() {
		runner().run((context) -> {
			KiwiDbReplicator replicator = context.getBean(KiwiDbReplicator.class);
			context.pause();
			assertThat(replicator.isRunning()).isTrue();
			context.restart();
			assertThat(replicator.isRunning()).isTrue();
			replicator.syncNow();
		});
	}

	@Test
	void aStoppedContextCannotStartItsClosedReplicationAgain() {
		runner().run((context) -> {
			KiwiDbReplicator replicator = context.getBean(KiwiDbReplicator.class);
			context.stop();
			assertThat(replicator.isRunning()).isFalse();
			assertThatExceptionOfType(ApplicationContextException.class).isThrownBy(context::start)
				.havingRootCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessageContaining("file:" + this.dir.resolve("replica"))
				.withMessageContaining("can't start again");
		});
	}

	/** A bean created with the replicator, before the context has been refreshed. */
	static class CreatedAlongside {

		final boolean replicationRunning;

		CreatedAlongside(KiwiDbReplicator replicator) {
			this.replicationRunning = replicator.isRunning();
		}

	}

}
