package io.kiwistack.db.autoconfigure.data;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcH2Dialect;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @DataJdbcTest} that lets Boot swap kiwi-db for an embedded H2, as it does by default,
 * still gets the dialect of the database it runs on.
 */
@DataJdbcTest(properties = "spring.flyway.enabled=false")
class DataJdbcTestOnH2Tests {

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcDialect dialect;

	@Test
	void theDialectIsH2sWhenBootSwapsTheDatabaseForH2() {
		assertThat(this.dataSource).isNotInstanceOf(KiwiDbDataSource.class);
		assertThat(this.dialect).isInstanceOf(JdbcH2Dialect.class);
	}

}
