package io.kiwistack.db.autoconfigure;

import java.util.List;

import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Refuses Flyway settings that make Boot open a second connection to the database for Flyway:
 * SQLite has one writer, and migrations must go through kiwi-db's DataSource like every other write.
 * Checked by the DataSource's auto-configuration before the database opens, like
 * {@link DataSourceUrlCheck}, so that it holds whether or not kiwi-db's Flyway auto-configuration
 * runs.
 */
final class FlywayConnectionCheck {

	private static final List<String> SECOND_CONNECTION_PROPERTIES = List.of("spring.flyway.url",
			"spring.flyway.user");

	private FlywayConnectionCheck() {
	}

	/**
	 * Check the environment before the database is opened.
	 * @param environment the application's environment
	 * @throws FlywaySecondConnectionException when a property that opens a second connection is set
	 */
	static void verify(Environment environment) {
		if (!ClassUtils.isPresent("org.flywaydb.core.Flyway", FlywayConnectionCheck.class.getClassLoader())
				|| !environment.getProperty("spring.flyway.enabled", Boolean.class, true)) {
			return;
		}
		for (String property : SECOND_CONNECTION_PROPERTIES) {
			String value = environment.getProperty(property);
			if (StringUtils.hasText(value)) {
				throw new FlywaySecondConnectionException(property);
			}
		}
	}

}
