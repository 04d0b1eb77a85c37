package io.kiwistack.db.autoconfigure.flyway;

import java.sql.Connection;
import java.sql.SQLException;

import io.kiwistack.db.autoconfigure.migration.SchemaChangeConnection;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Checks foreign keys after each Flyway migration, before Flyway records and commits it: a
 * violation fails the migration and rolls it back, as step 10 of SQLite's procedure for schema
 * changes does.
 */
class ForeignKeyCheckCallback implements Callback {

	@Override
	public boolean supports(Event event, Context context) {
		return event == Event.AFTER_EACH_MIGRATE;
	}

	@Override
	public boolean canHandleInTransaction(Event event, Context context) {
		return true;
	}

	@Override
	public void handle(Event event, Context context) {
		Connection connection = context.getConnection();
		try {
			if (connection != null && connection.isWrapperFor(SchemaChangeConnection.class)) {
				// Outside a transaction (a migration that sets PRAGMA foreign_keys runs without one),
				// the migration is already committed and a failure here keeps it.
				connection.unwrap(SchemaChangeConnection.class).checkForeignKeys(describe(context.getMigrationInfo()));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not check foreign keys after " + describe(context.getMigrationInfo()),
					ex);
		}
	}

	@Override
	public String getCallbackName() {
		return "kiwi-db foreign key check";
	}

	static String describe(MigrationInfo migration) {
		if (migration == null) {
			return "migration";
		}
		String name = (migration.getVersion() != null) ? "migration " + migration.getVersion() : "repeatable migration";
		return name + " \"" + migration.getDescription() + "\" (" + migration.getScript() + ")";
	}

}
