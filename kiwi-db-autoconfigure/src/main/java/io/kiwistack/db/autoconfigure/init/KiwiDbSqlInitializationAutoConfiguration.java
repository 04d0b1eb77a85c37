package io.kiwistack.db.autoconfigure.init;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.init.DatabasePopulator;

/**
 * Auto-configuration of the application's SQL scripts ({@code spring.sql.init.*}) on kiwi-db: in
 * the default {@code embedded} mode they run on kiwi-db as on an embedded database, once (see
 * {@link EmbeddedModeScripts}). Takes the place of Boot's {@code DataSourceInitializationAutoConfiguration},
 * whose initializer would skip them; an application's own {@link ApplicationScriptDatabaseInitializer}
 * replaces both.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration")
@ConditionalOnClass({ ApplicationDataSourceScriptDatabaseInitializer.class, DatabasePopulator.class })
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
@ConditionalOnSqlInitialization
@EnableConfigurationProperties(SqlInitializationProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class KiwiDbSqlInitializationAutoConfiguration {

	@Bean
	KiwiDbApplicationScriptDatabaseInitializer kiwiDbDataSourceScriptDatabaseInitializer(DataSource dataSource,
			SqlInitializationProperties properties) {
		return new KiwiDbApplicationScriptDatabaseInitializer(dataSource, properties);
	}

}
