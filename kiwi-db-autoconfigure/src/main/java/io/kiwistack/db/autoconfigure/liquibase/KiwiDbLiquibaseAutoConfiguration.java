package io.kiwistack.db.autoconfigure.liquibase;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import liquibase.changelog.visitor.AbstractChangeExecListener;
import liquibase.integration.spring.SpringLiquibase;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Liquibase for kiwi-db: changesets run with foreign keys off and
 * {@code legacy_alter_table} on, and are checked before each commits, so that Liquibase's table
 * rebuilds on SQLite keep other tables' foreign keys intact. Exclude it to have Liquibase migrate
 * with foreign keys enforced.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class)
@ConditionalOnClass({ SpringLiquibase.class, AbstractChangeExecListener.class })
@ConditionalOnBean(KiwiDbDataSource.class)
public final class KiwiDbLiquibaseAutoConfiguration {

	@Bean
	static SchemaChangeLiquibasePostProcessor kiwiDbSchemaChangeLiquibasePostProcessor() {
		return new SchemaChangeLiquibasePostProcessor();
	}

}
