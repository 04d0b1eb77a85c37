package io.kiwistack.db.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PrimaryReplication;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

class KiwiDbMetricsAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				KiwiDbMetricsAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class));

	@Test
	void databaseWriterAndReplicationMetersReportWhatHappened() {
		this.runner
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + this.dir.resolve("replica"))
			.run((context) -> {
				MeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(KiwiDbMetrics.class).bindTo(registry);
				// Micrometer keeps a function meter's state weakly: the meters must survive a collection.
				System.gc();
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				jdbc.sql("CREATE TABLE notes (body TEXT)").update();
				for (int i = 0; i < 20; i++) {
					jdbc.sql("INSERT INTO notes VALUES ('note')").update();
				}
				assertThat(context.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();
				assertThat(registry.get("kiwi.db.size").gauge().value()).isPositive();
				assertThat(registry.get("kiwi.db.wal.size").gauge().value()).isPositive();
				assertThat(registry.get("kiwi.db.writer.acquire").functionTimer().count()).isGreaterThanOrEqualTo(21);
				assertThat(registry.get("kiwi.db.replication.shipped.segments").functionCounter().count()).isPositive();
				assertThat(registry.get("kiwi.db.replication.shipped.bytes").functionCounter().count()).isPositive();
				assertThat(registry.get("kiwi.db.replication.shipped.transactions").functionCounter().count())
					.isGreaterThanOrEqualTo(21);
				assertThat(registry.get("kiwi.db.replication.errors").functionCounter().count()).isZero();
				assertThat(registry.get("kiwi.db.replication.last.sync.age").gauge().value()).isBetween(0.0, 10.0);
			});
	}

	@Test
	void withoutMicrometerThereAreNoMeters() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KiwiDbMetrics.class));
	}

}
