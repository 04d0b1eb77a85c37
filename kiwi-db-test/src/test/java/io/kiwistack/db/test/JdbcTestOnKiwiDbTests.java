package io.kiwistack.db.test;

import java.nio.file.Path;
import java.sql.Connection;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's own {@code @JdbcTest}, told not to replace the database, runs on kiwi-db.
 */
@JdbcTest(properties = "kiwi.db.replication.enabled=false")
@AutoConfigureTestDatabase(replace = Replace.NONE)
@DirtiesContext
class JdbcTestOnKiwiDbTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("kiwi.db.path", () -> dir.resolve("jdbc-test.db").toString());
	}

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Test
	void jdbcTestRunsOnKiwiDbWithItsMigrations() throws Exception {
		assertThat(this.dataSource).isInstanceOf(KiwiDbDataSource.class);
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("SQLite");
		}
		assertThat(this.jdbc.sql("SELECT count(*) FROM kiwi").query(Integer.class).single()).isZero();
	}

}
