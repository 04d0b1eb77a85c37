package io.kiwistack.db.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.kiwistack.db.KiwiDbSettings;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Turns {@link KiwiDbProperties} into core {@link KiwiDbSettings}, naming the property in every
 * error so that Boot's failure analysis can point at it. What other features change in the
 * settings, replication for one, they change through a {@link KiwiDbSettingsCustomizer}.
 */
final class KiwiDbSettingsMapper {

	private KiwiDbSettingsMapper() {
	}

	/** The settings {@code kiwi.db.*} describe, still open to customizers. */
	static KiwiDbSettings.Builder map(KiwiDbProperties properties, Environment environment) {
		KiwiDbSettings.Builder builder = KiwiDbSettings.builder(resolvePath(properties, environment))
			.journalMode(properties.getJournalMode())
			.synchronous(properties.getSynchronous())
			.busyTimeout(positive("kiwi.db.busy-timeout", properties.getBusyTimeout()))
			.foreignKeys(properties.isForeignKeys())
			.processExclusive(properties.isProcessExclusive())
			.acquireTimeout(positive("kiwi.db.pool.acquire-timeout", properties.getPool().getAcquireTimeout()));
		Integer readers = properties.getPool().getReaders();
		if (readers != null) {
			builder.readers(check("kiwi.db.pool.readers", readers,
					readers >= 0 && (readers == 0 || !KiwiDbSettings.IN_MEMORY.equals(resolvePath(properties, environment))),
					"It must be 0 or more, and 0 for ':memory:', whose connections would each see their own empty database."));
		}
		int cacheSize = properties.getPool().getStatementCacheSize();
		builder.statementCacheSize(check("kiwi.db.pool.statement-cache-size", cacheSize, cacheSize >= 0,
				"It must be 0 (no cache) or more."));
		mapDriver(properties.getDriver(), builder);
		for (Map.Entry<String, String> pragma : properties.getPragmas().entrySet()) {
			String name = pragma.getKey().replace('-', '_');
			try {
				builder.pragma(name, pragma.getValue());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("kiwi.db.pragmas." + pragma.getKey(),
						pragma.getValue(), ex.getMessage());
			}
		}
		return builder;
	}

	private static void mapDriver(KiwiDbProperties.Driver driver, KiwiDbSettings.Builder builder) {
		builder.dateClass(required("kiwi.db.driver.date-class", driver.getDateClass()))
			.datePrecision(required("kiwi.db.driver.date-precision", driver.getDatePrecision()));
		try {
			builder.dateStringFormat(driver.getDateStringFormat());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.driver.date-string-format",
					driver.getDateStringFormat(), ex.getMessage());
		}
	}

	private static <T> T required(String property, T value) {
		if (value == null) {
			throw new InvalidConfigurationPropertyValueException(property, null, "It must be set.");
		}
		return value;
	}

	static String resolvePath(KiwiDbProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getPath())) {
			return properties.getPath().trim();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return "./data/" + (StringUtils.hasText(applicationName) ? applicationName.trim() : "kiwi") + ".db";
	}

	private static int check(String property, int value, boolean valid, String reason) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(property, value, reason);
		}
		return value;
	}

	private static Duration positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"It must be a positive duration, for example 5s.");
		}
		return value;
	}

}
