package io.kiwistack.work;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
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
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The S3 secret key and the age identity given to kiwi-db appear nowhere a person or a log
 * collector could read them: not in the log, not in health details or metrics, not in
 * {@code /actuator/configprops} or {@code /actuator/env}, even while replication fails and its
 * errors are logged and reported, or startup fails on a wrong identity.
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

	@Test
	void theAgeIdentityIsInNoLogHealthDetailConfigurationReportOrStartupFailure(CapturedOutput output)
			throws Exception {
		KeyPair keys = new X25519KeyPairGenerator().generateKeyPair();
		String recipient = keys.getPublic().toString();
		String identity = keys.getPrivate().toString();
		String wrongIdentity = new X25519KeyPairGenerator().generateKeyPair().getPrivate().toString();
		Path database = this.dir.resolve("work.db");
		String[] arguments = { "--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + database,
				"--kiwi.db.replication.enabled=true", "--kiwi.db.replication.url=file:" + this.dir.resolve("replica"),
				"--kiwi.db.replication.sync-interval=100ms", "--kiwi.db.replication.age.recipients=" + recipient,
				"--management.endpoints.web.exposure.include=health,metrics,configprops,env",
				"--management.endpoint.configprops.show-values=always", "--management.endpoint.env.show-values=always",
				"--logging.level.io.kiwistack=DEBUG" };
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KiwiWorkApplication.class)
			.run(with(arguments, "--kiwi.db.replication.age.identities=" + identity))) {
			int port = app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			KiwiWorkClient client = new KiwiWorkClient(port);
			assertThat(client.post("/tasks", "{\"title\":\"encrypted before it leaves\"}").statusCode()).isEqualTo(201);
			assertThat(app.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(10))).isTrue();

			String health = client.get("/actuator/health").body();
			String configprops = client.get("/actuator/configprops").body();
			String env = client.get("/actuator/env").body();
			String metrics = client.get("/actuator/metrics").body();
			assertThat(health).contains("kiwiDb", "UP");
			assertThat(configprops).contains("identities", recipient);
			assertThat(env).contains("kiwi.db.replication.age.identities", recipient);

			assertThat(health).doesNotContain(identity);
			assertThat(configprops).doesNotContain(identity);
			assertThat(env).doesNotContain(identity);
			assertThat(metrics).contains("kiwi.db.replication.errors").doesNotContain(identity);
		}
		Files.delete(database);
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(KiwiWorkApplication.class)
			.run(with(arguments, "--kiwi.db.replication.age.identities=" + wrongIdentity)))
			.satisfies((failure) -> assertThat(trace(failure)).contains("can't be decrypted")
				.doesNotContain(identity, wrongIdentity));
		assertThat(output.getAll()).contains("can't be decrypted with the identities in kiwi.db.replication.age.identities")
			.doesNotContain(identity, wrongIdentity);
		assertThat(database).doesNotExist();
	}

	private static String[] with(String[] arguments, String more) {
		String[] all = Arrays.copyOf(arguments, arguments.length + 1);
		all[arguments.length] = more;
		return all;
	}

	private static String trace(Throwable failure) {
		StringWriter text = new StringWriter();
		failure.printStackTrace(new PrintWriter(text));
		return text.toString();
	}

}
