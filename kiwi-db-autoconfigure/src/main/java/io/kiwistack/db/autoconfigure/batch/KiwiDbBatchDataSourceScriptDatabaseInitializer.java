package io.kiwistack.db.autoconfigure.batch;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.init.EmbeddedModeScripts;

import org.springframework.boot.batch.jdbc.autoconfigure.BatchDataSourceScriptDatabaseInitializer;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcProperties;

/**
 * Boot's initializer of Spring Batch's job repository tables, creating them on kiwi-db as on an
 * embedded database: once, by {@link EmbeddedModeScripts}.
 */
class KiwiDbBatchDataSourceScriptDatabaseInitializer extends BatchDataSourceScriptDatabaseInitializer {

	private final EmbeddedModeScripts embeddedModeScripts;

	KiwiDbBatchDataSourceScriptDatabaseInitializer(DataSource dataSource, BatchJdbcProperties properties) {
		super(dataSource, properties);
		this.embeddedModeScripts = new EmbeddedModeScripts(dataSource, "spring.batch.jdbc.initialize-schema",
				properties.getInitializeSchema());
	}

	@Override
	protected boolean isEmbeddedDatabase() {
		return this.embeddedModeScripts.appliesToDataSource() || super.isEmbeddedDatabase();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		super.runScripts(this.embeddedModeScripts.scriptsToRun(scripts));
	}

}
