package io.kiwistack.db.autoconfigure.quartz;

import java.util.Objects;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.quartz.Scheduler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.quartz.autoconfigure.QuartzDataSource;
import org.springframework.boot.quartz.autoconfigure.QuartzDataSourceScriptDatabaseInitializer;
import org.springframework.boot.quartz.autoconfigure.QuartzJdbcProperties;
import org.springframework.boot.quartz.autoconfigure.QuartzProperties;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of Quartz's JDBC job store ({@code spring.quartz.job-store-type=jdbc}) on the
 * kiwi-db database: the {@link SqliteJobStoreCustomizer}, and SQLite tables for Boot's schema
 * initialization ({@code spring.quartz.jdbc.initialize-schema}), which Quartz itself does not ship.
 * An application's {@code spring.quartz.jdbc.schema} or {@code spring.quartz.jdbc.platform}, or its
 * own {@link QuartzDataSourceScriptDatabaseInitializer}, replaces those tables.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration")
@ConditionalOnClass({ Scheduler.class, SchedulerFactoryBean.class, SchedulerFactoryBeanCustomizer.class })
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnProperty(name = "spring.quartz.job-store-type", havingValue = "jdbc")
@EnableConfigurationProperties(QuartzProperties.class)
public final class KiwiDbQuartzAutoConfiguration {

	/** Where the SQLite tables for Quartz's job store are. */
	public static final String SQLITE_SCHEMA = "classpath:io/kiwistack/db/autoconfigure/quartz/tables_sqlite.sql";

	@Bean
	SqliteJobStoreCustomizer kiwiDbSqliteJobStoreCustomizer(QuartzProperties properties, DataSource dataSource,
			@QuartzDataSource ObjectProvider<DataSource> quartzDataSource) {
		return new SqliteJobStoreCustomizer(quartzDataSource.getIfAvailable(() -> dataSource),
				properties.getProperties());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DataSourceScriptDatabaseInitializer.class)
	@EnableConfigurationProperties(QuartzJdbcProperties.class)
	static class SchemaInitializationConfiguration {

		// Boot's own initializer backs off for this one: it would look for Quartz's
		// tables_sqlite.sql, which does not exist.
		@Bean
		@ConditionalOnMissingBean(QuartzDataSourceScriptDatabaseInitializer.class)
		@Conditional(OnQuartzSchemaInitializationCondition.class)
		QuartzDataSourceScriptDatabaseInitializer kiwiDbQuartzDataSourceScriptDatabaseInitializer(DataSource dataSource,
				@QuartzDataSource ObjectProvider<DataSource> quartzDataSource, QuartzJdbcProperties properties) {
			DataSource dataSourceToUse = quartzDataSource.getIfAvailable(() -> dataSource);
			return new QuartzDataSourceScriptDatabaseInitializer(dataSourceToUse,
					withSqliteSchema(properties, dataSourceToUse));
		}

		/** The application's settings, with the SQLite tables where it left Boot's default location. */
		private static QuartzJdbcProperties withSqliteSchema(QuartzJdbcProperties configured, DataSource dataSource) {
			boolean defaultLocation = Objects.equals(configured.getSchema(), configured.getDefaultSchemaLocation())
					&& !StringUtils.hasText(configured.getPlatform());
			if (!defaultLocation || !(dataSource instanceof KiwiDbDataSource)) {
				return configured;
			}
			QuartzJdbcProperties sqlite = new QuartzJdbcProperties();
			sqlite.setSchema(SQLITE_SCHEMA);
			sqlite.setInitializeSchema(configured.getInitializeSchema());
			sqlite.setContinueOnError(configured.isContinueOnError());
			sqlite.setCommentPrefix(configured.getCommentPrefix());
			return sqlite;
		}

	}

	static class OnQuartzSchemaInitializationCondition extends OnDatabaseInitializationCondition {

		OnQuartzSchemaInitializationCondition() {
			super("Quartz", "spring.quartz.jdbc.initialize-schema");
		}

	}

}
