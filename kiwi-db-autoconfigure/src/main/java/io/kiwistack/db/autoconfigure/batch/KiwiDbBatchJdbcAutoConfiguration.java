package io.kiwistack.db.autoconfigure.batch;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.support.DefaultBatchConfiguration;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchDataSourceScriptDatabaseInitializer;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.autoconfigure.init.OnDatabaseInitializationCondition;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of Spring Batch's job repository tables on kiwi-db: with
 * {@code spring.batch.jdbc.initialize-schema} at its default, {@code embedded}, they are created on
 * kiwi-db as on an embedded database, once, from Batch's {@code schema-sqlite.sql}. Where Boot's
 * {@code BatchJdbcAutoConfiguration} would define its initializer, this one takes its place; an
 * application's own {@link BatchDataSourceScriptDatabaseInitializer} replaces both.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration")
@ConditionalOnClass({ JobOperator.class, BatchDataSourceScriptDatabaseInitializer.class })
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnMissingBean(value = DefaultBatchConfiguration.class, annotation = EnableBatchProcessing.class)
@Conditional(KiwiDbBatchJdbcAutoConfiguration.OnBatchSchemaInitializationCondition.class)
@EnableConfigurationProperties(BatchJdbcProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class KiwiDbBatchJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(BatchDataSourceScriptDatabaseInitializer.class)
	KiwiDbBatchDataSourceScriptDatabaseInitializer kiwiDbBatchDataSourceInitializer(DataSource dataSource,
			BatchJdbcProperties properties) {
		return new KiwiDbBatchDataSourceScriptDatabaseInitializer(dataSource, properties);
	}

	static class OnBatchSchemaInitializationCondition extends OnDatabaseInitializationCondition {

		OnBatchSchemaInitializationCondition() {
			super("Batch", "spring.batch.jdbc.initialize-schema");
		}

	}

}
