package io.kiwistack.db.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.autoconfigure.migration.SchemaChangeDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migrations in a {@link KiwiDbTest @KiwiDbTest} run as in the application: with foreign keys off
 * for the migration, and on again for the test.
 */
@KiwiDbTest
class KiwiDbTestMigrationTests {

	@Autowired
	Flyway flyway;

	@Autowired
	javax.sql.DataSource dataSource;

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void flywayMigratesTheSqliteWayAndTheWriterHasForeignKeysOnAfterwards() throws Exception {
		assertThat(this.flyway.getConfiguration().getDataSource()).isInstanceOf(SchemaChangeDataSource.class);
		try (Connection writer = this.dataSource.unwrap(KiwiDataSource.class).getConnection();
				Statement statement = writer.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA foreign_keys")) {
			rows.next();
			assertThat(rows.getInt(1)).isOne();
		}
	}

}
