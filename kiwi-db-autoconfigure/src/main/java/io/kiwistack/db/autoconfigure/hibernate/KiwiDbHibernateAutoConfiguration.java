package io.kiwistack.db.autoconfigure.hibernate;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Hibernate for the kiwi-db database: with
 * {@code hibernate-community-dialects} on the class path, Hibernate uses its SQLite dialect without
 * being told.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(value = HibernatePropertiesCustomizer.class, name = SqliteDialectCustomizer.SQLITE_DIALECT)
@ConditionalOnBean(KiwiDbDataSource.class)
public final class KiwiDbHibernateAutoConfiguration {

	@Bean
	SqliteDialectCustomizer kiwiDbSqliteDialectCustomizer(DataSource dataSource, Environment environment) {
		return new SqliteDialectCustomizer(dataSource, environment);
	}

}
