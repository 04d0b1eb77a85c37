package io.kiwistack.db.autoconfigure.actuate;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Masks kiwi-db's secrets, the S3 secret key, the peer secret and the age identities, in actuator endpoints that
 * show configuration ({@code /actuator/configprops}, {@code /actuator/env}), even where they are
 * set to show values. An identity is masked under any key: a value holding
 * {@code AGE-SECRET-KEY-} is one.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public final class KiwiDbSanitizingAutoConfiguration {

	/**
	 * The secrets' keys without separators: configprops and a file's property source show
	 * {@code kiwi.db.replication.peer-secret}, env shows a variable {@code KIWI_DB_REPLICATION_PEERSECRET}.
	 */
	private static final List<String> SECRET_KEYS = List.of("kiwidbreplications3secretaccesskey",
			"kiwidbreplicationpeersecret");

	/**
	 * The identities' key as configprops shows it, or one of them as {@code env} shows it: with an
	 * index ({@code [0]}, or {@code _0_} in an environment variable), separators ignored.
	 */
	private static final Pattern IDENTITIES = Pattern.compile(".*kiwidbreplicationageidentities\\d*");

	@Bean
	SanitizingFunction kiwiDbSecretSanitizingFunction() {
		return SanitizingFunction.sanitizeValue()
			.ifKeyMatches(KiwiDbSanitizingAutoConfiguration::isSecretKey)
			.ifValueStringMatches((value) -> value.toUpperCase(Locale.ROOT).contains("AGE-SECRET-KEY-"));
	}

	private static boolean isSecretKey(String key) {
		String unseparated = key.toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]]", "");
		return SECRET_KEYS.stream().anyMatch(unseparated::endsWith) || IDENTITIES.matcher(unseparated).matches();
	}

}
