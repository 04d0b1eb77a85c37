package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.autoconfigure.StartupFailures;
import io.kiwistack.db.replication.CommitAck;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kiwi.db.replication.commit-ack} and {@code commit-ack-timeout} reach the primary's
 * replication; a value that can't work (a timeout that is no positive duration, replica
 * acknowledgements with no way for a replica to stream) stops startup before the database file is
 * touched, naming the property.
 */
class CommitAckPropertiesTests {

	private static final String SECRET = "a-long-enough-peer-secret-for-tests";

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				DataSourceAutoConfiguration.class));

	@Test
	void commitsReturnOnceTheyAreInTheLocalFileByDefault() {
		replicated().run((context) -> {
			assertThat(context).hasNotFailed();
			KiwiDbReplicationProperties properties = context.getBean(KiwiDbReplicationProperties.class);
			assertThat(properties.getCommitAck()).isEqualTo(KiwiDbReplicationProperties.CommitAckMode.LOCAL);
			assertThat(properties.getCommitAckTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(context.getBean(PrimaryReplication.class).commitAck()).isEqualTo(CommitAck.LOCAL);
		});
	}

	@Test
	void replicaAndItsTimeoutAreBoundAndReachThePrimary() {
		replicated("kiwi.db.replication.commit-ack=replica", "kiwi.db.replication.commit-ack-timeout=250ms",
				"kiwi.db.replication.peer-secret=" + SECRET, "kiwi.db.replication.advertise-url=http://127.0.0.1:8080")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				KiwiDbReplicationProperties properties = context.getBean(KiwiDbReplicationProperties.class);
				assertThat(properties.getCommitAck()).isEqualTo(KiwiDbReplicationProperties.CommitAckMode.REPLICA);
				PrimaryReplication primary = context.getBean(PrimaryReplication.class);
				assertThat(primary.commitAck()).isEqualTo(CommitAck.replica(Duration.ofMillis(250)));
				assertThat(primary.health().details()).containsEntry("commitAck", "replica")
					.containsEntry("commitAckTimeouts", 0L);
			});
	}

	@Test
	void whenTheTimeoutIsZeroOrNegativeThenStartupStopsNamingIt() {
		for (String timeout : new String[] { "0s", "-1s" }) {
			FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
					"kiwi.db.replication.commit-ack-timeout=" + timeout);
			assertThat(analysis.getDescription()).as(timeout)
				.contains("'kiwi.db.replication.commit-ack-timeout'", "It must be a positive duration");
		}
	}

	@Test
	void whenCommitAckIsNoneOfItsValuesThenTheAnalysisListsThem() {
		FailureAnalysis analysis = analysisOf(BindException.class, "kiwi.db.replication.commit-ack=remote");
		assertThat(analysis.getDescription()).contains("kiwi.db.replication.commit-ack", "'remote'", "local, replica");
	}

	@Test
	void whenReplicaAcknowledgementsHaveNoPeerSecretThenStartupStopsAskingForOne() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.commit-ack=replica");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.peer-secret is not set: "
				+ "kiwi.db.replication.commit-ack is replica, and a commit is acknowledged only by a read replica "
				+ "streaming from this primary");
		assertThat(analysis.getAction()).startsWith("Set kiwi.db.replication.peer-secret, the same on every node")
			.contains("openssl rand -base64 32", "kiwi.db.replication.advertise-url", "kiwi.db.replication.commit-ack=local");
	}

	@Test
	void whenReplicaAcknowledgementsHaveNoAdvertiseUrlThenStartupStopsAskingForOneWithoutShowingTheSecret() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class, "kiwi.db.replication.commit-ack=replica",
				"kiwi.db.replication.peer-secret=" + SECRET);
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.advertise-url is not set: "
				+ "kiwi.db.replication.commit-ack is replica");
		assertThat(analysis.getAction()).contains("http://10.0.0.5:8080", "kiwi.db.replication.commit-ack=local");
		assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(SECRET);
	}

	@Test
	void aReadReplicaIgnoresCommitAckWhichOnlyAPrimaryUses() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.setMode(KiwiDbReplicationProperties.Mode.REPLICA);
		properties.setUrl("file:" + this.dir.resolve("replica"));
		properties.setCommitAck(KiwiDbReplicationProperties.CommitAckMode.REPLICA);
		assertThat(ReplicationNode.of(properties)).isInstanceOf(ReadReplicaNode.class);
	}

	private ApplicationContextRunner replicated(String... more) {
		return this.runner
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + this.dir.resolve("replica"))
			.withPropertyValues(more);
	}

	private FailureAnalysis analysisOf(Class<? extends Throwable> expectedCause, String... properties) {
		String[] all = new String[properties.length + 3];
		all[0] = "kiwi.db.path=" + this.dir.resolve("app.db");
		all[1] = "kiwi.db.replication.enabled=true";
		all[2] = "kiwi.db.replication.url=file:" + this.dir.resolve("replica");
		System.arraycopy(properties, 0, all, 3, properties.length);
		return StartupFailures.analysisOf(this.runner, this.dir, expectedCause, all);
	}

}
