package io.kiwistack.db.autoconfigure.replication;

import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.replication.InvalidReplicaSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3 setting the engine refuses is reported against its own {@code kiwi.db.replication.s3.*}
 * property, not the replica URL: a missing region as missing, a bad endpoint with its value. (This
 * module's tests run without the AWS SDK, which makes the refusal; kiwi-db-core tests that.)
 */
class S3SettingFailureAnalysisTests {

	@Test
	void aRegionTheSdkCannotFindIsReportedAsTheMissingRegionProperty() {
		RuntimeException reported = ReplicationPropertiesMapper.invalidS3Setting(new InvalidReplicaSettingException(
				"region", "The AWS SDK finds no region for s3://bucket/app (Unable to load region)",
				new IllegalStateException("Unable to load region")), new KiwiDbReplicationProperties.S3());
		assertThat(reported).isInstanceOf(MissingPropertyException.class)
			.hasMessage("Property kiwi.db.replication.s3.region is not set: the bucket needs one, and the AWS SDK "
					+ "finds none where it looks by default (Unable to load region).");
		assertThat(((MissingPropertyException) reported).action()).isEqualTo("Set kiwi.db.replication.s3.region to "
				+ "the bucket's region (for example eu-west-1), or give the AWS SDK one (AWS_REGION, ~/.aws/config). "
				+ "An S3-compatible store set by kiwi.db.replication.s3.endpoint needs none.");
	}

	@Test
	void aBadEndpointIsReportedAgainstTheEndpointPropertyWithItsValue() {
		KiwiDbReplicationProperties.S3 s3 = new KiwiDbReplicationProperties.S3();
		s3.setEndpoint("localhost:9000");
		RuntimeException reported = ReplicationPropertiesMapper.invalidS3Setting(new InvalidReplicaSettingException(
				"endpoint", "'localhost:9000' names no scheme and host; use a URL such as http://localhost:9000", null),
				s3);
		assertThat(reported).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (invalid) -> {
			assertThat(invalid.getName()).isEqualTo("kiwi.db.replication.s3.endpoint");
			assertThat(invalid.getValue()).isEqualTo("localhost:9000");
		});
	}

}
