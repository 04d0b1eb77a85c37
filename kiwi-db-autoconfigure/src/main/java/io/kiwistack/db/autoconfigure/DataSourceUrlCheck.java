package io.kiwistack.db.autoconfigure;

import java.util.Locale;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Refuses a {@code jdbc:sqlite:} {@code spring.datasource.url}: kiwi-db opens the SQLite database
 * itself, from {@code kiwi.db.path}, and would otherwise ignore the URL in silence.
 */
final class DataSourceUrlCheck {

	static final String SQLITE_PREFIX = "jdbc:sqlite:";

	private DataSourceUrlCheck() {
	}

	static boolean isSqlite(String url) {
		return url.trim().toLowerCase(Locale.ROOT).startsWith(SQLITE_PREFIX);
	}

	/**
	 * Check the environment before the database is opened.
	 * @param environment the application's environment
	 * @throws SqliteDataSourceUrlException when {@code spring.datasource.url} is a SQLite URL
	 */
	static void verify(Environment environment) {
		String url = environment.getProperty("spring.datasource.url");
		if (StringUtils.hasText(url) && isSqlite(url)) {
			throw new SqliteDataSourceUrlException(url.trim());
		}
	}

}
