package io.kiwistack.db.autoconfigure.hibernate;

import java.util.Map;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.hibernate.cfg.AvailableSettings;

import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Sets {@code hibernate.dialect} to Hibernate's community SQLite dialect when the application
 * configured no dialect ({@code spring.jpa.properties.hibernate.dialect} or
 * {@code spring.jpa.database-platform}) and the data source is still kiwi-db's, not one a test
 * swapped in.
 */
class SqliteDialectCustomizer implements HibernatePropertiesCustomizer {

	static final String SQLITE_DIALECT = "org.hibernate.community.dialect.SQLiteDialect";

	private final DataSource dataSource;

	private final Environment environment;

	SqliteDialectCustomizer(DataSource dataSource, Environment environment) {
		this.dataSource = dataSource;
		this.environment = environment;
	}

	@Override
	public void customize(Map<String, Object> hibernateProperties) {
		if (this.dataSource instanceof KiwiDbDataSource && !hibernateProperties.containsKey(AvailableSettings.DIALECT)
				&& !StringUtils.hasText(this.environment.getProperty("spring.jpa.database-platform"))) {
			hibernateProperties.put(AvailableSettings.DIALECT, SQLITE_DIALECT);
		}
	}

}
