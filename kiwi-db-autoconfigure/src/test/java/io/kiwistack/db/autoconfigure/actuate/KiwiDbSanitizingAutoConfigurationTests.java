package io.kiwistack.db.autoconfigure.actuate;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 secret key, the peer secret and the age identities are masked under every key configprops and env show
 * them by; the age recipients, public keys, are not.
 */
class KiwiDbSanitizingAutoConfigurationTests {

	private static final String IDENTITY = "AGE-SECRET-KEY-1EXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEEXAMPLEXXXX";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbSanitizingAutoConfiguration.class));

	@Test
	void secretsAreMaskedUnderEveryKeyAndRecipientsAreShown() {
		this.runner.run((context) -> {
			SanitizingFunction function = context.getBean(SanitizingFunction.class);
			for (String key : List.of("kiwi.db.replication.age.identities", "kiwi.db.replication.age.identities[0]",
					"KIWI_DB_REPLICATION_AGE_IDENTITIES_0_", "kiwi.db.replication.s3.secret-access-key",
					"kiwi.db.replication.s3.secretAccessKey", "KIWI_DB_REPLICATION_S3_SECRETACCESSKEY",
					"kiwi.db.replication.peer-secret", "kiwi.db.replication.peerSecret", "KIWI_DB_REPLICATION_PEERSECRET")) {
				assertThat(function.applyUnlessFiltered(new SanitizableData(null, key, "x")).getValue()).as(key)
					.isEqualTo(SanitizableData.SANITIZED_VALUE);
			}
			assertThat(function.applyUnlessFiltered(new SanitizableData(null, "some.other.key", "an " + IDENTITY)).getValue())
				.as("an identity under another key").isEqualTo(SanitizableData.SANITIZED_VALUE);
			assertThat(function.applyUnlessFiltered(new SanitizableData(null, "kiwi.db.replication.advertise-url",
					"http://10.0.0.5:8080")).getValue()).isEqualTo("http://10.0.0.5:8080");
			assertThat(function.applyUnlessFiltered(new SanitizableData(null, "kiwi.db.replication.age.recipients[0]", "age1abc"))
				.getValue()).isEqualTo("age1abc");
		});
	}

}
