package io.kiwistack.db.autoconfigure.replication;

import java.nio.file.Path;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.autoconfigure.StartupFailures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's settings that can't work stop startup, before the database file or the replica is
 * touched, with an analysis naming the property and the fix; none shows the peer secret.
 */
class PeerSettingsStartupFailureAnalysisTests {

	@TempDir
	Path tempDir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
				DataSourceAutoConfiguration.class));

	@Test
	void whenAnAdvertiseUrlIsSetWithoutAPeerSecretThenTheAnalysisAsksForOneAndSaysHowToMakeIt() {
		FailureAnalysis analysis = analysisOf(MissingPropertyException.class,
				"kiwi.db.replication.advertise-url=http://10.0.0.5:8080");
		assertThat(analysis.getDescription()).isEqualTo("Property kiwi.db.replication.peer-secret is not set: "
				+ "kiwi.db.replication.advertise-url is, and the other nodes reach this one there only with the secret "
				+ "they all share: its peer endpoints answer nothing else.");
		assertThat(analysis.getAction()).startsWith("Set kiwi.db.replication.peer-secret, the same on every node")
			.contains("openssl rand -base64 32", "KIWI_DB_REPLICATION_PEERSECRET", "not on the command line")
			.endsWith("Or remove kiwi.db.replication.advertise-url.");
	}

	@Test
	void whenThePeerSecretIsShortThenTheAnalysisSaysSoWithoutShowingIt() {
		FailureAnalysis analysis = analysisOf(PeerSecretException.class,
				"kiwi.db.replication.peer-secret=sh0rt-s3cret", "kiwi.db.replication.mode=replica");
		assertThat(analysis.getDescription()).startsWith("Property kiwi.db.replication.peer-secret can't be used: "
				+ "it is shorter than 16 characters");
		assertThat(analysis.getAction()).startsWith("Set kiwi.db.replication.peer-secret to a longer secret")
			.contains("openssl rand -base64 32");
		assertThat(analysis.getDescription() + analysis.getAction() + analysis.getCause())
			.doesNotContain("sh0rt-s3cret");
	}

	@Test
	void whenTheAdvertiseUrlIsNoHttpBaseUrlThenTheAnalysisNamesThePropertyAndAnExample() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.peer-secret=a-long-enough-peer-secret-for-tests",
				"kiwi.db.replication.advertise-url=10.0.0.5:8080");
		assertThat(analysis.getDescription()).startsWith("Invalid value '10.0.0.5:8080' for configuration property "
				+ "'kiwi.db.replication.advertise-url'")
			.contains("http://10.0.0.5:8080")
			.doesNotContain("a-long-enough-peer-secret-for-tests");
	}

	@Test
	void whenTheAdvertiseUrlHasAQueryThenTheAnalysisSaysItMustBeABaseUrl() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.peer-secret=a-long-enough-peer-secret-for-tests",
				"kiwi.db.replication.advertise-url=http://10.0.0.5:8080/?node=1");
		assertThat(analysis.getDescription()).contains("'kiwi.db.replication.advertise-url'", "base URL");
	}

	@Test
	void whenTheReadYourWritesTimeoutIsZeroThenTheAnalysisAsksForAPositiveDuration() {
		FailureAnalysis analysis = analysisOf(InvalidConfigurationPropertyValueException.class,
				"kiwi.db.replication.read-your-writes-timeout=0s");
		assertThat(analysis.getDescription()).contains("'kiwi.db.replication.read-your-writes-timeout'",
				"It must be a positive duration");
	}

	private FailureAnalysis analysisOf(Class<? extends Throwable> expectedCause, String... properties) {
		String[] all = new String[properties.length + 3];
		all[0] = "kiwi.db.path=" + this.tempDir.resolve("app.db");
		all[1] = "kiwi.db.replication.enabled=true";
		all[2] = "kiwi.db.replication.url=file:" + this.tempDir.resolve("replica");
		System.arraycopy(properties, 0, all, 3, properties.length);
		return StartupFailures.analysisOf(this.runner, this.tempDir, expectedCause, all);
	}

}
