package io.kiwistack.db.autoconfigure.init;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;

/**
 * Boot's initializer of the application's {@code schema.sql} and {@code data.sql}, running them on
 * kiwi-db as on an embedded database: once, by {@link EmbeddedModeScripts}.
 */
class KiwiDbApplicationScriptDatabaseInitializer extends ApplicationDataSourceScriptDatabaseInitializer {

	private final EmbeddedModeScripts embeddedModeScripts;

	KiwiDbApplicationScriptDatabaseInitializer(DataSource dataSource, SqlInitializationProperties properties) {
		super(dataSource, properties);
		this.embeddedModeScripts = new EmbeddedModeScripts(dataSource, "spring.sql.init.mode",
				properties.getMode());
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
