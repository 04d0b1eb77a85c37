package io.kiwistack.db.autoconfigure.hibernate;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.jpa.autoconfigure.JpaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.JpaVendorAdapter;

/**
 * Auto-configuration of Hibernate for the kiwi-db database: with
 * {@code hibernate-community-dialects} on the class path, Hibernate uses its SQLite dialect without
 * being told, and each transaction takes its own connection, so that read-only transactions run
 * on the readers even in an open-in-view request that writes afterwards.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(value = HibernatePropertiesCustomizer.class, name = SqliteDialectCustomizer.SQLITE_DIALECT)
@ConditionalOnBean(KiwiDbDataSource.class)
@EnableConfigurationProperties(JpaProperties.class)
public final class KiwiDbHibernateAutoConfiguration {

	@Bean
	SqliteDialectCustomizer kiwiDbSqliteDialectCustomizer(DataSource dataSource, Environment environment) {
		return new SqliteDialectCustomizer(dataSource, environment);
	}

	@Bean
	@ConditionalOnMissingBean(JpaVendorAdapter.class)
	KiwiDbHibernateJpaVendorAdapter kiwiDbJpaVendorAdapter(DataSource dataSource, JpaProperties properties) {
		// A test that swapped in another database gets Spring's connection handling.
		boolean readers = dataSource instanceof KiwiDbDataSource kiwiDb
				&& kiwiDb.getKiwiDataSource().readOnlyDataSource().isPresent();
		KiwiDbHibernateJpaVendorAdapter adapter = new KiwiDbHibernateJpaVendorAdapter(readers);
		// As Boot configures its own adapter, which this one replaces.
		adapter.setShowSql(properties.isShowSql());
		if (properties.getDatabase() != null) {
			adapter.setDatabase(properties.getDatabase());
		}
		if (properties.getDatabasePlatform() != null) {
			adapter.setDatabasePlatform(properties.getDatabasePlatform());
		}
		adapter.setGenerateDdl(properties.isGenerateDdl());
		return adapter;
	}

}
