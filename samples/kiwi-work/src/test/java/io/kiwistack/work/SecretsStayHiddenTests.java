package io.kiwistack.work;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 secret key given to kiwi-db appears nowhere a person or a log collector could read it:
 * not in the log, not in health details or metrics, not in {@code /actuator/configprops}, even while
 * replication fails and its errors are logged and reported.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsStayHiddenTests {

	private static final String SECRET = "kiwi-SECRET-never-shown-4711";

	@TempDir
	Path dir;

	@Test
	void theSecretKeyIsInNoLogHealthDetailOrConfigurationReport(CapturedOutput output) throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KiwiWorkApplication.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + this.dir.resolve("work.db"),
				"--kiwi.db.replication.enabled=true", "--kiwi.db.replication.url=s3://kiwi-backups/work",
				"--kiwi.db.replication.restore=never",
				"--kiwi.db.replication.sync-interval=100ms", "--kiwi.db.replication.unhealthy-after=200ms",
				"--kiwi.db.replication.s3.endpoint=http://127.0.0.1:" + closedPort,
				"--kiwi.db.replication.s3.region=us-east-1", "--kiwi.db.replication.s3.access-key-id=kiwi-key-id",
				"--kiwi.db.replication.s3.secret-access-key=" + SECRET, "--kiwi.db.replication.s3.force-path-style=true",
				"--management.endpoints.web.exposure.include=health,metrics,configprops",
				"--management.endpoint.configprops.show-values=always", "--logging.level.root=INFO",
				"--logging.level.io.kiwistack=DEBUG", "--logging.level.software.amazon.awssdk=DEBUG")) {
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			KiwiWorkClient client = new KiwiWorkClient(port);
			HttpResponse<String> created = client.post("/tasks", "{\"title\":\"kept local while S3 is down\"}");
			assertThat(created.statusCode()).as("writes go on while the replica is unreachable").isEqualTo(201);
			PrimaryReplication replicator = app.getBean(PrimaryReplication.class);
			assertThat(replicator.awaitReplicated(Duration.ofSeconds(2))).isFalse();
			Thread.sleep(300);

			String health = client.get("/actuator/health").body();
			String configprops = client.get("/actuator/configprops").body();
			String metrics = client.get("/actuator/metrics").body()
					+ client.get("/actuator/metrics/kiwi.db.replication.errors").body();
			assertThat(health).contains("kiwiDb", "lastError", "DOWN");
			assertThat(configprops).contains("kiwi.db", "secretAccessKey", "kiwi-key-id");
			assertThat(metrics).contains("kiwi.db.replication.errors", "COUNT");
			assertThat(output.getAll()).contains("Replication to s3://kiwi-backups/work");

			assertThat(health).doesNotContain(SECRET);
			assertThat(configprops).doesNotContain(SECRET);
			assertThat(metrics).doesNotContain(SECRET);
			assertThat(replicator.status().toString()).doesNotContain(SECRET);
			assertThat(output.getAll()).doesNotContain(SECRET);
		}
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

}
