package io.kiwistack.db.autoconfigure.init;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Boot's initializer of the application's {@code schema.sql} and {@code data.sql}, running them on
 * kiwi-db as on an embedded database: once, by {@link EmbeddedModeScripts}.
 */
class KiwiDbApplicationScriptDatabaseInitializer extends ApplicationDataSourceScriptDatabaseInitializer {

	private final boolean embeddedMode;

	private final EmbeddedModeScripts embeddedModeScripts;

	KiwiDbApplicationScriptDatabaseInitializer(DataSource dataSource, SqlInitializationProperties properties) {
		super(dataSource, properties);
		this.embeddedMode = properties.getMode() == DatabaseInitializationMode.EMBEDDED;
		this.embeddedModeScripts = new EmbeddedModeScripts(dataSource, "spring.sql.init.mode");
	}

	@Override
	protected boolean isEmbeddedDatabase() {
		return this.embeddedModeScripts.appliesToDataSource() || super.isEmbeddedDatabase();
	}

	@Override
	protected void runScripts(Scripts scripts) {
		super.runScripts((this.embeddedMode && this.embeddedModeScripts.appliesToDataSource())
				? this.embeddedModeScripts.select(scripts) : scripts);
	}

}
