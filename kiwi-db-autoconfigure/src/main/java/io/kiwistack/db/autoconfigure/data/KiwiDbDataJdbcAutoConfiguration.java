package io.kiwistack.db.autoconfigure.data;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;

/**
 * Auto-configuration of Spring Data JDBC for the kiwi-db database: the {@link SqliteDialect} as the
 * {@link JdbcDialect} bean, ahead of Boot's Spring Data JDBC auto-configuration so that no
 * connection is opened to guess the dialect. An application's own {@link JdbcDialect} bean
 * replaces it. Where a test has swapped the kiwi-db data source for another database, the dialect
 * is resolved for that database as Spring Data does.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
@ConditionalOnClass({ JdbcDialect.class, NamedParameterJdbcOperations.class })
@ConditionalOnBean(KiwiDbDataSource.class)
public final class KiwiDbDataJdbcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(JdbcDialect.class)
	JdbcDialect jdbcDialect(DataSource dataSource, NamedParameterJdbcOperations operations) {
		if (dataSource instanceof KiwiDbDataSource) {
			return SqliteDialect.INSTANCE;
		}
		return DialectResolver.getDialect(operations.getJdbcOperations());
	}

}
