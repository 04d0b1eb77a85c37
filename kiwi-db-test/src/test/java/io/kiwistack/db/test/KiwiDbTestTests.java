package io.kiwistack.db.test;

import java.nio.file.Path;
import java.sql.Connection;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.transaction.TestTransaction;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbTest @KiwiDbTest}.
 */
@KiwiDbTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KiwiDbTestTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	KiwiRepository kiwis;

	@Test
	void theDatabaseIsKiwiDbOnAFileInANewTemporaryDirectory() throws Exception {
		assertThat(this.dataSource).isInstanceOf(KiwiDbDataSource.class);
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("SQLite");
		}
		Path file = Path.of(this.dataSource.unwrap(KiwiDataSource.class).settings().path());
		assertThat(file).isRegularFile().hasFileName("test.db");
		assertThat(file.getParent().getFileName().toString()).startsWith("kiwi-db-test-");
		assertThat(file.getParent().getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
		assertThat(Path.of("target/application-database-not-for-tests.db")).doesNotExist();
	}

	@Test
	void replicationIsOffThoughTheApplicationTurnsItOn() throws Exception {
		assertThat(this.context.getEnvironment().getProperty("kiwi.db.replication.enabled")).isEqualTo("false");
		assertThat(this.dataSource.unwrap(KiwiDataSource.class).settings().autoCheckpoint()).isTrue();
	}

	@Test
	void jdbcTransactionsAndMigrationsAreConfigured() {
		assertThat(this.context.getBeansOfType(JdbcTemplate.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(PlatformTransactionManager.class)).hasSize(1);
		assertThat(this.jdbc.sql("SELECT version FROM flyway_schema_history WHERE success = 1")
			.query(String.class)
			.list()).containsExactly("1");
	}

	@Test
	void applicationComponentsAreLeftOut() {
		assertThat(this.context.getBeanNamesForType(KiwiGreeter.class)).isEmpty();
	}

	@Test
	void springDataJdbcRepositoriesWork() {
		Kiwi saved = this.kiwis.save(new Kiwi(null, "hayward"));

		assertThat(saved.id()).isPositive();
		assertThat(this.kiwis.findById(saved.id())).contains(saved);
	}

	@Test
	@Order(1)
	void aRowInsertedInOneTest() {
		assertThat(TestTransaction.isActive()).isTrue();
		this.jdbc.sql("INSERT INTO kiwi (name) VALUES ('gold')").update();

		assertThat(count()).isEqualTo(1);
	}

	@Test
	@Order(2)
	void isGoneInTheNext() {
		assertThat(count()).isZero();
	}

	private int count() {
		return this.jdbc.sql("SELECT count(*) FROM kiwi").query(Integer.class).single();
	}

}
