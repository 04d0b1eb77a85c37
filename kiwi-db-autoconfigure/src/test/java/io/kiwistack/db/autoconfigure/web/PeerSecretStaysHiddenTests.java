package io.kiwistack.db.autoconfigure.web;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.autoconfigure.actuate.KiwiDbSanitizingAutoConfiguration;
import io.kiwistack.db.autoconfigure.health.KiwiDbHealthIndicator;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationProperties;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peer secret appears nowhere a person or a log collector could read it: not in
 * {@code /actuator/env} or {@code /actuator/configprops} (set in a file's property source or as the
 * environment variable {@code KIWI_DB_REPLICATION_PEERSECRET}), not in health, not in the log of a
 * cluster that streams, forwards and refuses peers, even with every logger at its finest level,
 * Tomcat's and the JDK HTTP client's wire logs included: the secret never crosses the wire.
 */
@ExtendWith(OutputCaptureExtension.class)
class PeerSecretStaysHiddenTests {

	private static final String SECRET = "kiwi-PEER-SECRET-never-shown-4711";

	@TempDir
	Path dir;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				EnvironmentEndpointAutoConfiguration.class, ConfigurationPropertiesReportEndpointAutoConfiguration.class,
				KiwiDbSanitizingAutoConfiguration.class))
		.withUserConfiguration(ReplicationProperties.class)
		.withPropertyValues("management.endpoints.web.exposure.include=env,configprops",
				"management.endpoint.env.show-values=always",
				"management.endpoint.configprops.show-values=always");

	@Test
	void envAndConfigpropsMaskThePeerSecretSetInAFile() {
		this.runner.withPropertyValues("kiwi.db.replication.peer-secret=" + SECRET,
				"kiwi.db.replication.advertise-url=http://10.0.0.5:8080").run((context) -> {
					String env = env(context.getBean(EnvironmentEndpoint.class));
					String configprops = configprops(context.getBean(ConfigurationPropertiesReportEndpoint.class));
					assertThat(env).contains("kiwi.db.replication.peer-secret=******", "http://10.0.0.5:8080");
					assertThat(configprops).contains("peerSecret=******", "http://10.0.0.5:8080");
					assertThat(env + configprops).doesNotContain(SECRET);
				});
	}

	@Test
	void envAndConfigpropsMaskThePeerSecretSetAsAnEnvironmentVariable() {
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment",
					Map.of("KIWI_DB_REPLICATION_PEERSECRET", SECRET))))
			.run((context) -> {
				assertThat(context.getBean(KiwiDbReplicationProperties.class).getPeerSecret())
					.as("bound from the variable").isEqualTo(SECRET);
				String env = env(context.getBean(EnvironmentEndpoint.class));
				String configprops = configprops(context.getBean(ConfigurationPropertiesReportEndpoint.class));
				assertThat(env).contains("KIWI_DB_REPLICATION_PEERSECRET=******");
				assertThat(configprops).contains("peerSecret=******");
				assertThat(env + configprops).doesNotContain(SECRET);
			});
	}

	@Test
	void aClusterThatStreamsForwardsAndRefusesPeersNeverShowsTheSecret(CapturedOutput output) throws Exception {
		String health;
		List<String> coreLog;
		try (LogCapture log = LogCapture.everything();
				Cluster cluster = Cluster.start(this.dir, new Class<?>[] { NoteService.class },
						"logging.level.io.kiwistack=DEBUG", "kiwi.db.replication.peer-secret=" + SECRET)) {
			assertThat(cluster.send(cluster.replicaPort, "POST", "/notes?body=forwarded").statusCode()).isEqualTo(201);
			// A guess, not the secret: a client that sent the secret itself would see it in the server's wire log.
			HttpResponse<String> refused = cluster.send(cluster.primaryPort, "GET", "/kiwi-db/log", "Authorization",
					"Bearer not-the-secret");
			assertThat(refused.statusCode()).isEqualTo(401);
			health = cluster.primary.getBean(KiwiDbHealthIndicator.class).health(true).toString()
					+ cluster.replica.getBean(KiwiDbHealthIndicator.class).health(true).toString();
			coreLog = new ArrayList<>(log.records());
		}
		assertThat(health).contains("replication", "primary", "replica");
		assertThat(health).doesNotContain(SECRET);
		assertThat(coreLog).isNotEmpty().noneMatch((record) -> record.contains(SECRET));
		assertThat(String.join("\n", coreLog)).as("peers signed their requests").contains("Authorization: KiwiDb ");
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

	private static String env(EnvironmentEndpoint endpoint) {
		StringBuilder text = new StringBuilder();
		endpoint.environment(null).getPropertySources().forEach((source) -> source.getProperties()
			.forEach((name, value) -> text.append(name).append('=').append(value.getValue()).append('\n')));
		return text.toString();
	}

	private static String configprops(ConfigurationPropertiesReportEndpoint endpoint) {
		StringBuilder text = new StringBuilder();
		endpoint.configurationProperties().getContexts().values().forEach((context) -> context.getBeans()
			.values()
			.forEach((bean) -> text.append(bean.getPrefix()).append(bean.getProperties()).append('\n')));
		return text.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(KiwiDbReplicationProperties.class)
	static class ReplicationProperties {

	}

}
