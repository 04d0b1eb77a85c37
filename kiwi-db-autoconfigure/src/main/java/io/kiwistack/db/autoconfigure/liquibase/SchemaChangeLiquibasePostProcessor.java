package io.kiwistack.db.autoconfigure.liquibase;

import io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource;
import liquibase.Liquibase;
import liquibase.integration.spring.Customizer;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Makes every {@link SpringLiquibase} that migrates kiwi-db's primary migrate the SQLite way, before
 * it runs: through a {@link SchemaChangeDataSource} (foreign keys off, {@code legacy_alter_table}
 * on, both restored before the application gets the connection; foreign keys checked before each
 * changeset commits), with a {@link SchemaChangeListener}. Boot's own {@code SpringLiquibase} and
 * one an application defines alike; a {@code Customizer<Liquibase>} of the application still runs,
 * after kiwi-db's.
 */
class SchemaChangeLiquibasePostProcessor implements BeanPostProcessor {

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase
				&& SchemaChangeDataSource.primaryBehind(liquibase.getDataSource()) != null) {
			liquibase.setDataSource(new SchemaChangeDataSource(liquibase.getDataSource(), "Liquibase", true));
			Customizer<Liquibase> applications = liquibase.getCustomizer();
			liquibase.setCustomizer((created) -> {
				// Liquibase takes one listener and has no getter for it: one the application's customizer
				// sets replaces this one, and then only commits that changed the schema are checked.
				created.setChangeExecListener(new SchemaChangeListener());
				if (applications != null) {
					applications.customize(created);
				}
			});
		}
		return bean;
	}

}
