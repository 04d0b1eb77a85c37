package io.kiwistack.db.autoconfigure.test;

import java.nio.file.Path;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TemporaryDatabaseContextCustomizer} in one of Boot's own slices, which knows
 * nothing of kiwi-db: the slice's database is a temporary one too, with replication off, and goes
 * with its context.
 */
class TemporaryDatabaseContextCustomizerTests {

	@Test
	void aBootSliceRunsOnATemporaryDatabaseWithoutReplicationThatGoesWithItsContext() throws Exception {
		TestContext test = new TestContextManager(SliceOfAReplicatingApplication.class).getTestContext();
		ApplicationContext context = test.getApplicationContext();
		Path file = Path.of(context.getBean(DataSource.class).unwrap(KiwiDataSource.class).settings().path());

		assertThat(file.getFileName()).hasToString("test.db");
		assertThat(file.getParent().getFileName().toString()).startsWith("kiwi-db-test-");
		assertThat(file).isRegularFile();
		assertThat(context.getEnvironment().getProperty("kiwi.db.replication.enabled")).isEqualTo("false");
		assertThat(Path.of("target/application-database-not-for-tests.db")).doesNotExist();

		test.markApplicationContextDirty(null);

		assertThat(file.getParent()).doesNotExist();
	}

	@SpringBootConfiguration
	static class Application {

	}

	@JdbcTest(properties = "spring.config.import=classpath:test/replicating-application.properties")
	@AutoConfigureTestDatabase(replace = Replace.NONE)
	static class SliceOfAReplicatingApplication {

	}

}
