package io.kiwistack.db.test;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The temporary database of a {@link KiwiDbTest @KiwiDbTest} context.
 */
class TemporaryDatabaseTests {

	@Test
	void eachContextHasItsOwnDatabaseWhoseDirectoryIsDeletedWhenTheContextCloses() throws Exception {
		TestContext first = new TestContextManager(OneSlice.class).getTestContext();
		TestContext second = new TestContextManager(SliceWithOtherProperties.class).getTestContext();
		Path firstFile = databaseFile(first.getApplicationContext());
		Path secondFile = databaseFile(second.getApplicationContext());
		first.getApplicationContext().getBean(JdbcClient.class).sql("CREATE TABLE seen (id INTEGER)").update();

		assertThat(firstFile.getParent()).isNotEqualTo(secondFile.getParent());
		assertThat(tables(second.getApplicationContext())).doesNotContain("seen");

		first.markApplicationContextDirty(null);
		second.markApplicationContextDirty(null);

		assertThat(firstFile.getParent()).doesNotExist();
		assertThat(secondFile.getParent()).doesNotExist();
	}

	/** A test's data is as private as the service's: the directory and the files in it are owner-only. */
	@Test
	void theTemporaryDatabaseAndItsDirectoryAreOwnerOnly() throws Exception {
		assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
		TestContext context = new TestContextManager(OneSlice.class).getTestContext();
		try {
			Path file = databaseFile(context.getApplicationContext());
			context.getApplicationContext().getBean(JdbcClient.class).sql("CREATE TABLE seen (id INTEGER)").update();
			List<String> modes = new ArrayList<>();
			List<String> expected = new ArrayList<>();
			Path directory = file.getParent();
			try (Stream<Path> entries = Files.walk(directory)) {
				for (Path entry : entries.toList()) {
					String name = entry.equals(directory) ? "." : directory.relativize(entry).toString();
					modes.add(name + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
					expected.add(name + " " + (Files.isDirectory(entry) ? "rwx------" : "rw-------"));
				}
			}
			assertThat(modes).isEqualTo(expected).contains(". rwx------", "test.db rw-------", "test.db-wal rw-------");
		}
		finally {
			context.markApplicationContextDirty(null);
		}
	}

	@Test
	void aPathTheTestSetsIsUsedAndKept() throws Exception {
		TestContext context = new TestContextManager(SliceWithItsOwnPath.class).getTestContext();
		Path file = databaseFile(context.getApplicationContext());
		try {
			assertThat(file).isEqualTo(Path.of("target/own-path-test.db"));

			context.markApplicationContextDirty(null);

			assertThat(file).isRegularFile();
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	@Test
	void aPathFromADynamicPropertySourceIsUsed() throws Exception {
		TestContext context = new TestContextManager(SliceWithADynamicPath.class).getTestContext();
		try {
			assertThat(databaseFile(context.getApplicationContext())).isEqualTo(Path.of("target/dynamic-path-test.db"));
		}
		finally {
			context.markApplicationContextDirty(null);
			Files.deleteIfExists(Path.of("target/dynamic-path-test.db"));
		}
	}

	private static Path databaseFile(ApplicationContext context) throws Exception {
		return Path.of(context.getBean(DataSource.class).unwrap(KiwiDataSource.class).settings().path());
	}

	private static List<String> tables(ApplicationContext context) {
		return context.getBean(JdbcClient.class)
			.sql("SELECT name FROM sqlite_schema WHERE type = 'table'")
			.query(String.class)
			.list();
	}

	@KiwiDbTest
	static class OneSlice {

	}

	@KiwiDbTest(properties = "spring.flyway.enabled=false")
	static class SliceWithOtherProperties {

	}

	@KiwiDbTest(properties = "kiwi.db.path=target/own-path-test.db")
	static class SliceWithItsOwnPath {

	}

	@KiwiDbTest
	static class SliceWithADynamicPath {

		@DynamicPropertySource
		static void database(DynamicPropertyRegistry registry) {
			registry.add("kiwi.db.path", () -> "target/dynamic-path-test.db");
		}

	}

}
