package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.util.Map;

import io.kiwistack.db.replication.s3.S3Settings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * S3 settings that keep kiwi-db from ever reaching the bucket fail when the client is made, naming
 * the setting, rather than as an AWS SDK error at the first request.
 */
class S3SettingsCheckTests {

	@TempDir
	Path dir;

	@Test
	void anEndpointWithoutSchemeAndHostIsRefusedNamingTheSetting() {
		InvalidReplicaSettingException refused = catchThrowableOfType(InvalidReplicaSettingException.class,
				() -> ReplicaUrl.open("s3://bucket/app", new S3Settings("localhost:9000", null, null, null, true)));
		assertThat(refused.setting()).isEqualTo("endpoint");
		assertThat(refused).hasMessage("'localhost:9000' names no scheme and host; use a URL such as http://localhost:9000");
	}

	@Test
	void anEndpointThatIsNoUrlIsRefusedNamingTheSetting() {
		InvalidReplicaSettingException refused = catchThrowableOfType(InvalidReplicaSettingException.class,
				() -> ReplicaUrl.open("s3://bucket/app", new S3Settings("http://my minio:9000", null, null, null, true)));
		assertThat(refused.setting()).isEqualTo("endpoint");
		assertThat(refused).hasMessageStartingWith("'http://my minio:9000' is not a URL (Illegal character in authority)");
	}

	@Test
	void anAwsBucketWithNoRegionAnywhereIsRefusedNamingTheSetting() {
		Map<String, String> environment = System.getenv();
		Assumptions.assumeTrue(!environment.containsKey("AWS_REGION") && !environment.containsKey("AWS_DEFAULT_REGION")
				&& !environment.containsKey("AWS_CONFIG_FILE") && !environment.containsKey("AWS_PROFILE"),
				"the environment gives the AWS SDK a region");
		// Nor a profile file, nor the EC2 instance metadata, which would otherwise be asked over the network.
		String configFile = System.setProperty("aws.configFile", this.dir.resolve("no-config").toString());
		String metadata = System.setProperty("aws.disableEc2Metadata", "true");
		try {
			InvalidReplicaSettingException refused = catchThrowableOfType(InvalidReplicaSettingException.class,
					() -> ReplicaUrl.open("s3://bucket/app", S3Settings.defaults()));
			assertThat(refused.setting()).isEqualTo("region");
			assertThat(refused).hasMessageStartingWith("The AWS SDK finds no region for s3://bucket/app (");
		}
		finally {
			restore("aws.configFile", configFile);
			restore("aws.disableEc2Metadata", metadata);
		}
	}

	private static void restore(String property, String value) {
		if (value == null) {
			System.clearProperty(property);
		}
		else {
			System.setProperty(property, value);
		}
	}

}
