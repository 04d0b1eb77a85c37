package io.kiwistack.db.autoconfigure.session;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.init.EmbeddedModeScripts;

import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionDataSourceScriptDatabaseInitializer;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionProperties;

/**
 * Boot's initializer of Spring Session's tables, creating them on kiwi-db as on an embedded
 * database: once, by {@link EmbeddedModeScripts}.
 */
class KiwiDbJdbcSessionDataSourceScriptDatabaseInitializer extends JdbcSessionDataSourceScriptDatabaseInitializer {

	private final EmbeddedModeScripts embeddedModeScripts;

	KiwiDbJdbcSessionDataSourceScriptDatabaseInitializer(DataSource dataSource, JdbcSessionProperties properties) {
		super(dataSource, properties);
		this.embeddedModeScripts = new EmbeddedModeScripts(dataSource, "spring.session.jdbc.initialize-schema",
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
