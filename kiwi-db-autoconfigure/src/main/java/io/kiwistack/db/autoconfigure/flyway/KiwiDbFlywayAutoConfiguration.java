package io.kiwistack.db.autoconfigure.flyway;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.flywaydb.core.Flyway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Flyway for kiwi-db: migrations run with foreign keys off and are checked
 * before each commits, as SQLite's procedure for schema changes asks. Exclude it to have Flyway
 * migrate with foreign keys enforced.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
@ConditionalOnBean(KiwiDbDataSource.class)
public final class KiwiDbFlywayAutoConfiguration {

	@Bean
	SchemaChangeFlywayCustomizer kiwiDbSchemaChangeFlywayCustomizer() {
		return new SchemaChangeFlywayCustomizer();
	}

}
