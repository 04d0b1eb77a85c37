package io.kiwistack.db.compatibility.testcontext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Spring test context of an application with the kiwi-db starter gets a database of its
 * own, as Boot gives each test an embedded database: not only {@code @KiwiDbTest}, but
 * {@code @SpringBootTest} too (and Boot's slices), unless the test names a file itself. The contexts are
 * built by Spring's TestContext framework, as JUnit would build them for the classes below.
 */
class TestContextDatabaseTests {

	/** Where the application's configuration puts its database and its replica. */
	private static final Path APPLICATION_FILES = Path.of("target/testcontext");

	@BeforeEach
	@AfterEach
	void deleteApplicationFiles() throws IOException {
		if (Files.exists(APPLICATION_FILES)) {
			try (Stream<Path> paths = Files.walk(APPLICATION_FILES)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
	}

	@Test
	void twoTestContextsGetTwoTemporaryDatabasesThatShareNoDataAndGoWithTheirContext() throws Exception {
		TestContext first = new TestContextManager(OrchardTest.class).getTestContext();
		TestContext second = new TestContextManager(OrchardTestWithOtherProperties.class).getTestContext();
		Path firstFile = databaseFile(first.getApplicationContext());
		Path secondFile = databaseFile(second.getApplicationContext());
		jdbc(first.getApplicationContext()).sql("CREATE TABLE vine (name TEXT)").update();
		jdbc(first.getApplicationContext()).sql("INSERT INTO vine VALUES ('Hayward')").update();

		assertThat(firstFile.getParent()).isNotEqualTo(secondFile.getParent());
		assertThat(List.of(firstFile, secondFile)).allSatisfy((file) -> {
			assertThat(file).isRegularFile();
			assertThat(file.toAbsolutePath()).isNotEqualTo(Path.of("data/orchard.db").toAbsolutePath());
			assertThat(file.toAbsolutePath().startsWith(Path.of("").toAbsolutePath())).isFalse();
		});
		assertThat(tables(second.getApplicationContext())).doesNotContain("vine");
		assertThat(Path.of("data/orchard.db")).doesNotExist();

		first.markApplicationContextDirty(null);
		second.markApplicationContextDirty(null);

		assertThat(firstFile.getParent()).doesNotExist();
		assertThat(secondFile.getParent()).doesNotExist();
	}

	@Test
	void theApplicationsOwnDatabaseAndReplicaAreLeftAlone() throws Exception {
		TestContext context = new TestContextManager(OrchardTest.class).getTestContext();
		try {
			assertThat(databaseFile(context.getApplicationContext()).getFileName()).hasToString("test.db");
			assertThat(context.getApplicationContext().getBeansOfType(KiwiDbReplicator.class)).isEmpty();
			assertThat(APPLICATION_FILES.resolve("application-database-not-for-tests.db")).doesNotExist();
			assertThat(APPLICATION_FILES.resolve("application-replica-not-for-tests")).doesNotExist();
		}
		finally {
			context.markApplicationContextDirty(null);
		}
	}

	@Test
	void aPathTheTestSetsIsUsedAndKept() throws Exception {
		assertTheTestsOwnPathIsUsedAndKept(OrchardTestWithItsOwnPath.class, "target/testcontext/own.db");
	}

	@Test
	void aPathFromATestPropertySourceFileIsUsedAndKept() throws Exception {
		assertTheTestsOwnPathIsUsedAndKept(OrchardTestWithAPropertiesFile.class,
				"target/testcontext/test-property-source.db");
	}

	@Test
	void aPathFromADynamicPropertySourceIsUsedAndKept() throws Exception {
		assertTheTestsOwnPathIsUsedAndKept(OrchardTestWithADynamicPath.class, "target/testcontext/dynamic.db");
	}

	@Test
	void replicationATestTurnsOnItselfIsOn() throws Exception {
		TestContext context = new TestContextManager(OrchardTestThatReplicates.class).getTestContext();
		try {
			assertThat(context.getApplicationContext().getBeansOfType(KiwiDbReplicator.class)).hasSize(1);
			assertThat(APPLICATION_FILES.resolve("test-replica")).isDirectory();
			assertThat(APPLICATION_FILES.resolve("application-replica-not-for-tests")).doesNotExist();
		}
		finally {
			context.markApplicationContextDirty(null);
		}
	}

	private static void assertTheTestsOwnPathIsUsedAndKept(Class<?> testClass, String path) throws Exception {
		TestContext context = new TestContextManager(testClass).getTestContext();
		Path file = databaseFile(context.getApplicationContext());

		assertThat(file).isEqualTo(Path.of(path));
		assertThat(context.getApplicationContext().getBeansOfType(KiwiDbReplicator.class)).isEmpty();

		context.markApplicationContextDirty(null);

		assertThat(file).isRegularFile();
	}

	private static Path databaseFile(ApplicationContext context) throws Exception {
		return Path.of(context.getBean(DataSource.class).unwrap(KiwiDataSource.class).settings().path());
	}

	private static JdbcClient jdbc(ApplicationContext context) {
		return JdbcClient.create(context.getBean(DataSource.class));
	}

	private static List<String> tables(ApplicationContext context) {
		return jdbc(context).sql("SELECT name FROM sqlite_schema WHERE type = 'table'").query(String.class).list();
	}

	/**
	 * The application under test: named, so that its default database would be
	 * {@code ./data/orchard.db}, with its own database and replica in its configuration.
	 */
	@SpringBootConfiguration
	@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
			DataSourceAutoConfiguration.class })
	static class Orchard {

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties" })
	static class OrchardTest {

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties",
			"kiwi.db.pool.readers=2" })
	static class OrchardTestWithOtherProperties {

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties",
			"kiwi.db.path=target/testcontext/own.db" })
	static class OrchardTestWithItsOwnPath {

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties" })
	@TestPropertySource(locations = "classpath:testcontext/own-path.properties")
	static class OrchardTestWithAPropertiesFile {

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties" })
	static class OrchardTestWithADynamicPath {

		@DynamicPropertySource
		static void database(DynamicPropertyRegistry registry) {
			registry.add("kiwi.db.path", () -> "target/testcontext/dynamic.db");
		}

	}

	@SpringBootTest(classes = Orchard.class, properties = { "spring.application.name=orchard",
			"spring.config.import=classpath:testcontext/replicating-application.properties",
			"kiwi.db.replication.enabled=true", "kiwi.db.replication.url=file:target/testcontext/test-replica" })
	static class OrchardTestThatReplicates {

	}

}
