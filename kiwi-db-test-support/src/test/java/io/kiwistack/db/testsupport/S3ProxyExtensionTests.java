package io.kiwistack.db.testsupport;

import java.net.ConnectException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link S3ProxyExtension} registered as tests use it: it serves from the class's first test to
 * its last, outages keep the objects, a changed secret refuses the old one until it is put back,
 * and a {@code @Nested} class finds the server as its outer class left it.
 */
class S3ProxyExtensionTests {

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	@Test
	void objectsWrittenBeforeAnOutageAreServedAfterTheRestart() throws Exception {
		String bucket = s3.newBucket();
		try (S3Client client = s3.sdkClient()) {
			client.putObject((put) -> put.bucket(bucket).key("kept"), RequestBody.fromString("before the outage"));
			s3.stop();
			assertThat(s3.running()).isFalse();
			assertThatExceptionOfType(SdkClientException.class)
				.isThrownBy(() -> client.getObjectAsBytes((get) -> get.bucket(bucket).key("kept")))
				.withRootCauseInstanceOf(ConnectException.class);
			s3.restart();
			assertThat(s3.running()).isTrue();
			assertThat(client.getObjectAsBytes((get) -> get.bucket(bucket).key("kept")).asUtf8String())
				.isEqualTo("before the outage");
		}
	}

	@Test
	void aRequiredSecretRefusesTheOldOneAlsoAfterARestart() throws Exception {
		String bucket = s3.newBucket();
		try (S3Client client = s3.sdkClient();
				S3Client rotated = S3ProxyExtension.sdkClient(s3.endpoint(), S3ProxyExtension.REGION,
						S3ProxyExtension.ACCESS_KEY, "rotated", true)) {
			s3.requireSecret("rotated");
			s3.stop();
			s3.restart();
			assertThatExceptionOfType(S3Exception.class)
				.isThrownBy(() -> client.listObjectsV2((list) -> list.bucket(bucket)))
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(403));
			assertThat(rotated.listObjectsV2((list) -> list.bucket(bucket)).contents()).isEmpty();
			s3.requireSecret(S3ProxyExtension.SECRET_KEY);
			assertThat(client.listObjectsV2((list) -> list.bucket(bucket)).contents()).isEmpty();
		}
	}

	@Nested
	class Inner {

		@Test
		void theServerOfTheOuterClassServes() {
			assertThat(s3.running()).isTrue();
			try (S3Client client = s3.sdkClient()) {
				String bucket = s3.newBucket();
				assertThat(client.listObjectsV2((list) -> list.bucket(bucket)).contents()).isEmpty();
			}
		}

	}

}
