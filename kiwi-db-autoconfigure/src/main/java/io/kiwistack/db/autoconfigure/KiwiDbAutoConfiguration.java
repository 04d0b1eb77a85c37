package io.kiwistack.db.autoconfigure;

import java.sql.SQLException;

import io.kiwistack.db.KiwiDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.kiwistack.db.autoconfigure.flyway.FlywayConnectionCheck;

/**
 * Auto-configuration for the embedded kiwi-db database: one {@link KiwiDataSource}, so that
 * Boot's JdbcTemplate, JdbcClient, transaction manager and Flyway all use it unchanged. Backs off
 * when the application defines its own {@link javax.sql.DataSource}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ KiwiDataSource.class, org.sqlite.JDBC.class })
@ConditionalOnBooleanProperty(name = "kiwi.db.enabled", matchIfMissing = true)
@EnableConfigurationProperties(KiwiDbProperties.class)
public final class KiwiDbAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(javax.sql.DataSource.class)
	KiwiDataSource kiwiDataSource(KiwiDbProperties properties, Environment environment) throws SQLException {
		FlywayConnectionCheck.verify(environment);
		return KiwiDataSource.open(KiwiDbSettingsMapper.map(properties, environment));
	}

}
