package io.kiwistack.db.autoconfigure.session;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionDataSourceScriptDatabaseInitializer;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionProperties;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of Spring Session's tables on kiwi-db: with
 * {@code spring.session.jdbc.initialize-schema} at its default, {@code embedded}, they are created
 * on kiwi-db as on an embedded database, once, from Spring Session's {@code schema-sqlite.sql}.
 * Where Boot's {@code JdbcSessionAutoConfiguration} would define its initializer, this one takes its
 * place; an application's own {@link JdbcSessionDataSourceScriptDatabaseInitializer} replaces both.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(value = JdbcSessionDataSourceScriptDatabaseInitializer.class,
		name = { "org.springframework.session.Session", "org.springframework.session.jdbc.JdbcIndexedSessionRepository" })
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnMissingBean(type = "org.springframework.session.SessionRepository")
@Conditional(KiwiDbJdbcSessionAutoConfiguration.OnJdbcSessionSchemaInitializationCondition.class)
@EnableConfigurationProperties(JdbcSessionProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class KiwiDbJdbcSessionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JdbcSessionDataSourceScriptDatabaseInitializer.class)
	KiwiDbJdbcSessionDataSourceScriptDatabaseInitializer kiwiDbJdbcSessionDataSourceScriptDatabaseInitializer(
			DataSource dataSource, JdbcSessionProperties properties) {
		return new KiwiDbJdbcSessionDataSourceScriptDatabaseInitializer(dataSource, properties);
	}

	static class OnJdbcSessionSchemaInitializationCondition extends OnDatabaseInitializationCondition {

		OnJdbcSessionSchemaInitializationCondition() {
			super("Jdbc Session", "spring.session.jdbc.initialize-schema");
		}

	}

}
