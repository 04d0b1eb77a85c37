package io.kiwistack.db.autoconfigure.flyway;

import java.util.Arrays;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Flyway migrate kiwi-db the SQLite way: through a {@link SchemaChangeDataSource}, so that
 * migrations run with foreign keys off (Flyway runs each migration in a transaction, inside which
 * {@code PRAGMA foreign_keys} can't change, so they are turned off when Flyway borrows the
 * connection) and back on before the application gets the connection; and with a callback that
 * checks foreign keys at the end of each migration, inside its transaction. Leaves a Flyway that
 * migrates another data source, or a read replica's, alone.
 */
class SchemaChangeFlywayCustomizer implements FlywayConfigurationCustomizer, Ordered {

	@Override
	public void customize(FluentConfiguration configuration) {
		DataSource dataSource = configuration.getDataSource();
		if (SchemaChangeDataSource.primaryBehind(dataSource) == null) {
			return;
		}
		configuration.dataSource(new SchemaChangeDataSource(dataSource, "Flyway", false));
		Callback[] callbacks = configuration.getCallbacks();
		Callback[] withCheck = Arrays.copyOf(callbacks, callbacks.length + 1);
		withCheck[callbacks.length] = new ForeignKeyCheckCallback();
		configuration.callbacks(withCheck);
	}

	/** Last, so that the data source and the callbacks it adds to are the ones other customizers left. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
