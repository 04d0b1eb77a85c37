package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.UnwritableDirectory;
import io.kiwistack.db.autoconfigure.health.KiwiDbHealthContributorAutoConfiguration;
import io.kiwistack.db.autoconfigure.health.KiwiDbHealthIndicator;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReadReplication;
import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReplicaException;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.kiwistack.db.replication.file.FileReplicaClient;

class KiwiDbReplicationAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				KiwiDbHealthContributorAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class, FlywayAutoConfiguration.class));

	private ApplicationContextRunner replicated(Path database, Path replica, String... more) {
		return this.runner
			.withPropertyValues("kiwi.db.path=" + database, "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + replica, "kiwi.db.replication.sync-interval=100ms")
			.withPropertyValues(more);
	}

	@Test
	void whenReplicationIsOffThereIsNoReplicator() {
		this.runner.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KiwiDbReplicator.class));
	}

	@Test
	void replicationPropertiesAreBoundUnderTheirOwnPrefix() {
		replicated(this.dir.resolve("app.db"), this.dir.resolve("replica"), "kiwi.db.replication.s3.region=eu-west-1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(KiwiDbReplicationProperties.class);
				KiwiDbReplicationProperties properties = context.getBean(KiwiDbReplicationProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getSyncInterval()).isEqualTo(Duration.ofMillis(100));
				assertThat(properties.getS3().getRegion()).isEqualTo("eu-west-1");
			});
	}

	@Test
	void aBadReplicationSettingStopsStartupBeforeTheDatabaseIsCreated() {
		Path database = this.dir.resolve("app.db");
		replicated(database, this.dir.resolve("replica"), "kiwi.db.replication.sync-interval=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("kiwi.db.replication.sync-interval");
		});
		assertThat(database).doesNotExist();
	}

	@Test
	void aLostDatabaseIsRestoredOnStartupBeforeFlywayAndKeepsItsRows() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		replicated(database, replica).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(KiwiDbReplicator.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			for (int i = 0; i < 50; i++) {
				jdbc.sql("INSERT INTO notes (body) VALUES (?)").param("note " + i).update();
			}
			assertThat(context.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
			jdbc.sql("INSERT INTO notes (body) VALUES ('shipped by the clean stop')").update();
		});
		assertThat(new FileReplicaClient(replica).generations()).isNotEmpty();
		deleteDatabase(database);

		replicated(database, replica).run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(jdbc.sql("SELECT count(*) FROM notes").query(Integer.class).single()).isEqualTo(51);
			assertThat(jdbc.sql("SELECT count(*) FROM flyway_schema_history").query(Integer.class).single())
				.as("the migration ran once, before the loss").isEqualTo(1);
		});
	}

	@Test
	void anEmptyReplicaWithAMissingDatabaseIsAFreshStart() {
		Path database = this.dir.resolve("fresh.db");
		replicated(database, this.dir.resolve("empty-replica")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcClient.class).sql("SELECT count(*) FROM notes").query(Integer.class).single())
				.isZero();
		});
		assertThat(database).exists();
	}

	@Test
	void anExistingDatabaseIsNeverReplacedByTheReplica() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		replicated(database, replica).run((context) -> context.getBean(JdbcClient.class)
			.sql("INSERT INTO notes (body) VALUES ('in the replica')")
			.update());
		Path other = this.dir.resolve("other.db");
		this.runner.withPropertyValues("kiwi.db.path=" + other)
			.run((context) -> context.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('local only')").update());
		byte[] before = Files.readAllBytes(other);
		replicated(other, replica, "spring.flyway.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcClient.class).sql("SELECT body FROM notes").query(String.class).list())
				.containsExactly("local only");
		});
		assertThat(Files.readAllBytes(other)).hasSameSizeAs(before);
	}

	@Test
	void healthShowsReplicationAndGoesDownWhenItKeepsFailing() throws Exception {
		Path database = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		replicated(database, replica, "kiwi.db.replication.unhealthy-after=1s").run((context) -> {
			KiwiDbHealthIndicator health = context.getBean(KiwiDbHealthIndicator.class);
			PrimaryReplication replicator = context.getBean(PrimaryReplication.class);
			replicator.syncNow();
			Health up = health.health();
			assertThat(up.getStatus()).isEqualTo(Status.UP);
			@SuppressWarnings("unchecked")
			Map<String, Object> replication = (Map<String, Object>) up.getDetails().get("replication");
			assertThat(replication).containsKeys("replica", "generation", "position", "lastSuccessfulSync",
					"pendingTransactions");
			Path wal = walDirectory(replica);
			Runnable unlock = UnwritableDirectory.lock(wal);
			try (LogCapture log = LogCapture.of("io.kiwistack.db.replication")) {
				context.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('stuck')").update();
				assertThatThrownBy(replicator::syncNow).isInstanceOf(ReplicaException.class);
				assertThat(health.health().getStatus()).as("failing, not for long yet")
					.isEqualTo(KiwiDbHealthIndicator.DEGRADED);
				Thread.sleep(1100);
				assertThat(replicator.awaitReplicated(Duration.ofSeconds(2))).isFalse();
				Health down = health.health();
				assertThat(down.getStatus()).isEqualTo(Status.DOWN);
				assertThat(down.getDetails().get("replication").toString()).contains("lastError");
				assertThat(log.records()).as("the failed syncs, logged")
					.anyMatch((record) -> record.contains("WARNING Replication to file:") && record.contains("failed (attempt"));
			}
			finally {
				unlock.run();
			}
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(5))).isTrue();
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void aReplicaUrlKiwiDbDoesNotKnowStopsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=ftp://example/backups")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("kiwi.db.replication.url");
			});
		assertThat(this.dir.resolve("app.db")).doesNotExist();
	}

	@Test
	void anInMemoryDatabaseCannotBeReplicated() {
		this.runner
			.withPropertyValues("kiwi.db.path=:memory:", "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + this.dir.resolve("replica"))
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("kiwi.db.replication.enabled")
				.hasMessageContaining("in-memory"));
	}

	@Test
	void aSecondPrimaryOnTheSameReplicaRefusesToStartNamingTheFirst() {
		Path replica = this.dir.resolve("replica");
		replicated(this.dir.resolve("first.db"), replica).run((first) -> {
			assertThat(first).hasNotFailed();
			replicated(this.dir.resolve("second.db"), replica).run((second) -> {
				assertThat(second).hasFailed();
				FailureAnalysis analysis = new ReplicaLeaseFailureAnalyzer().analyze(second.getStartupFailure());
				assertThat(analysis.getDescription()).contains("kiwi.db.replication.url")
					.contains(String.valueOf(ProcessHandle.current().pid()))
					.contains("held by another primary");
				assertThat(analysis.getAction()).contains("kiwi.db.replication.lease-timeout");
			});
		});
		replicated(this.dir.resolve("second.db"), replica)
			.run((second) -> assertThat(second).as("the first released its claim on a clean stop").hasNotFailed());
	}

	@Test
	void aCrashedPrimarysClaimCanBeTakenOverOnceItExpires() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path lease = replica.resolve("kiwi").resolve("primary.lease");
		Files.createDirectories(lease.getParent());
		Instant expires = Instant.now().plusMillis(1500);
		Files.writeString(lease, "holder=crashed-node\nexpires=" + expires + "\n");
		replicated(this.dir.resolve("app.db"), replica).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new ReplicaLeaseFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("crashed-node");
		});
		Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis() + 100));
		replicated(this.dir.resolve("app.db"), replica).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(Files.readString(lease)).doesNotContain("crashed-node");
		});
	}

	@Test
	void aReadReplicaFollowsThePrimaryRefusesWritesAndDoesNotMigrate() {
		Path replica = this.dir.resolve("replica");
		replicated(this.dir.resolve("primary.db"), replica).run((primary) -> {
			JdbcClient primaryJdbc = primary.getBean(JdbcClient.class);
			primaryJdbc.sql("INSERT INTO notes (body) VALUES ('first')").update();
			assertThat(primary.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
			replicated(this.dir.resolve("follower.db"), replica, "kiwi.db.replication.mode=replica",
					"kiwi.db.replication.poll-interval=100ms")
				.run((follower) -> {
					assertThat(follower).hasNotFailed();
					JdbcClient followerJdbc = follower.getBean(JdbcClient.class);
					KiwiDbReplicator following = follower.getBean(KiwiDbReplicator.class);
					assertThat(following).isInstanceOf(ReadReplication.class);
					assertThat(followerJdbc.sql("SELECT body FROM notes").query(String.class).list()).containsExactly("first");
					primaryJdbc.sql("INSERT INTO notes (body) VALUES ('second')").update();
					primary.getBean(KiwiDbReplicator.class).syncNow();
					following.syncNow();
					assertThat(followerJdbc.sql("SELECT body FROM notes ORDER BY id").query(String.class).list())
						.containsExactly("first", "second");
					assertThatThrownBy(() -> followerJdbc.sql("INSERT INTO notes (body) VALUES ('here')").update())
						.hasMessageContaining("read replica following file:" + replica)
						.hasMessageContaining("Send writes to the primary");
					assertThat(followerJdbc.sql("SELECT count(*) FROM flyway_schema_history").query(Integer.class).single())
						.as("the primary's migration, not one of its own").isEqualTo(1);
					Health health = follower.getBean(KiwiDbHealthIndicator.class).health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails().get("replication").toString()).contains("role=replica", "lag=");
				});
		});
	}

	private static Path walDirectory(Path replica) throws Exception {
		String generation = new FileReplicaClient(replica).generations().get(0);
		Path wal = replica.resolve("generations").resolve(generation).resolve("wal");
		Files.createDirectories(wal);
		return wal;
	}

	private static void deleteDatabase(Path database) throws Exception {
		for (Path file : List.of(database, Path.of(database + "-wal"), Path.of(database + "-shm"))) {
			Files.deleteIfExists(file);
		}
		try (Stream<Path> left = Files.list(database.getParent())) {
			assertThat(left.map(Path::getFileName).map(Path::toString)).doesNotContain(database.getFileName().toString());
		}
	}

}
