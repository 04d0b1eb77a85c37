package io.kiwistack.db.autoconfigure.actuate;

import java.util.Locale;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks kiwi-db's S3 secret key in actuator endpoints that show configuration
 * ({@code /actuator/configprops}, {@code /actuator/env}), even where they are set to show values.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class KiwiDbSanitizingAutoConfiguration {

	private static final String SECRET_KEY = "kiwi.db.replication.s3.secretaccesskey";

	@Bean
	SanitizingFunction kiwiDbSecretSanitizingFunction() {
		return SanitizingFunction.sanitizeValue().ifKeyMatches(KiwiDbSanitizingAutoConfiguration::isSecretKey);
	}

	private static boolean isSecretKey(String key) {
		return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").endsWith(SECRET_KEY);
	}

}
