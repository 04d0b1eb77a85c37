package io.kiwistack.db.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import io.kiwistack.db.JournalMode;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.SynchronousMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KiwiDbAutoConfiguration}.
 */
class KiwiDbAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class));

	@TempDir
	Path tempDir;

	@Test
	void whenPathIsNotSetThenItIsNamedAfterTheApplication() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "foo");
		assertThat(KiwiDbSettingsMapper.resolvePath(new KiwiDbProperties(), environment)).isEqualTo("./data/foo.db");
	}

	@Test
	void whenPathAndApplicationNameAreNotSetThenItIsKiwiDb() {
		assertThat(KiwiDbSettingsMapper.resolvePath(new KiwiDbProperties(), new MockEnvironment()))
			.isEqualTo("./data/kiwi.db");
	}

	@Test
	void whenPathIsSetThenItWinsOverTheApplicationName() {
		KiwiDbProperties properties = new KiwiDbProperties();
		properties.setPath("  /srv/tasks.db ");
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "foo");
		assertThat(KiwiDbSettingsMapper.resolvePath(properties, environment)).isEqualTo("/srv/tasks.db");
	}

	@Test
	void defaultsGiveOneKiwiDataSourceWithWalNormalBusyTimeoutAndForeignKeys() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("spring.application.name=foo", "kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(KiwiDbDataSource.class);
			assertThat(context).doesNotHaveBean(KiwiDataSource.class);
			assertThat(context).hasSingleBean(JdbcTemplate.class);
			assertThat(context).hasSingleBean(JdbcClient.class);
			assertThat(context).hasSingleBean(PlatformTransactionManager.class);
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			assertThat(pragma(jdbc, "journal_mode")).isEqualTo("wal");
			assertThat(pragma(jdbc, "synchronous")).isEqualTo("1");
			assertThat(pragma(jdbc, "busy_timeout")).isEqualTo("5000");
			assertThat(pragma(jdbc, "foreign_keys")).isEqualTo("1");
			KiwiDataSource dataSource = kiwiDataSource(context);
			assertThat(dataSource.settings().path()).isEqualTo(file.toString());
			assertThat(dataSource.settings().journalMode()).isEqualTo(JournalMode.WAL);
			assertThat(dataSource.settings().synchronous()).isEqualTo(SynchronousMode.NORMAL);
			assertThat(dataSource.settings().acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(dataSource.settings().readers()).isEqualTo(10);
			assertThat(dataSource.readOnlyDataSource()).isPresent();
			assertThat(dataSource.settings().processExclusive()).isTrue();
			assertThat(dataSource.jdbcUrl()).endsWith("?vfs=unix-excl");
			assertThat(file).isRegularFile();
		});
	}

	@Test
	void everyPropertyIsAppliedAndReadBack() {
		Path file = this.tempDir.resolve("app.db");
		this.runner
			.withPropertyValues("kiwi.db.path=" + file, "kiwi.db.journal-mode=truncate", "kiwi.db.synchronous=full",
					"kiwi.db.busy-timeout=250ms", "kiwi.db.foreign-keys=false", "kiwi.db.pragmas.cache_size=-20000",
					"kiwi.db.pragmas.temp_store=memory", "kiwi.db.pool.acquire-timeout=1500ms",
					"kiwi.db.pool.readers=3", "kiwi.db.pool.statement-cache-size=16", "kiwi.db.process-exclusive=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				assertThat(pragma(jdbc, "journal_mode")).isEqualTo("truncate");
				assertThat(pragma(jdbc, "synchronous")).isEqualTo("2");
				assertThat(pragma(jdbc, "busy_timeout")).isEqualTo("250");
				assertThat(pragma(jdbc, "foreign_keys")).isEqualTo("0");
				assertThat(pragma(jdbc, "cache_size")).isEqualTo("-20000");
				assertThat(pragma(jdbc, "temp_store")).isEqualTo("2");
				KiwiDataSource dataSource = kiwiDataSource(context);
				assertThat(dataSource.settings().acquireTimeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(dataSource.settings().readers()).isEqualTo(3);
				assertThat(dataSource.settings().statementCacheSize()).isEqualTo(16);
				assertThat(dataSource.settings().processExclusive()).isFalse();
				assertThat(dataSource.jdbcUrl()).isEqualTo("jdbc:sqlite:" + file);
				assertThat(dataSource.settings().pragmas()).containsEntry("cache_size", "-20000")
					.containsEntry("temp_store", "memory");
			});
	}

	@Test
	void pragmaNamesWithDashesAreAppliedWithUnderscores() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file, "kiwi.db.pragmas.cache-size=-3000").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(pragma(context.getBean(JdbcClient.class), "cache_size")).isEqualTo("-3000");
		});
	}

	@Test
	void inMemoryDatabaseCreatesNoFile() {
		this.runner.withPropertyValues("kiwi.db.path=:memory:").run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			jdbc.sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").update();
			jdbc.sql("INSERT INTO notes (body) VALUES (?)").param("kept in memory").update();
			assertThat(jdbc.sql("SELECT body FROM notes").query(String.class).list()).containsExactly("kept in memory");
			assertThat(kiwiDataSource(context).file()).isEmpty();
			assertThat(kiwiDataSource(context).settings().readers()).isZero();
			assertThat(pragma(jdbc, "journal_mode")).isEqualTo("memory");
			assertThat(pragma(jdbc, "foreign_keys")).isEqualTo("1");
		});
		assertThat(listRecursively(this.tempDir)).isEmpty();
		assertThat(Path.of(":memory:")).doesNotExist();
		assertThat(Path.of("data")).doesNotExist();
	}

	@Test
	void missingParentDirectoriesAndTheFileAreCreatedOwnerOnly() throws Exception {
		Path file = this.tempDir.resolve("a").resolve("b").resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(JdbcClient.class).sql("CREATE TABLE t (id INTEGER PRIMARY KEY)").update();
			assertThat(Files.getPosixFilePermissions(this.tempDir.resolve("a")))
				.isEqualTo(PosixFilePermissions.fromString("rwx------"));
			assertThat(Files.getPosixFilePermissions(this.tempDir.resolve("a/b")))
				.isEqualTo(PosixFilePermissions.fromString("rwx------"));
			assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
			Path wal = file.resolveSibling("app.db-wal");
			assertThat(wal).exists();
			assertThat(Files.getPosixFilePermissions(wal)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		});
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
	}

	@Test
	void whenTheApplicationDefinesADataSourceThenAutoConfigurationBacksOff() {
		Path file = this.tempDir.resolve("own.db");
		SQLiteDataSource own = new SQLiteDataSource();
		own.setUrl("jdbc:sqlite:" + file);
		this.runner.withPropertyValues("kiwi.db.path=" + this.tempDir.resolve("kiwi.db"))
			.withBean("ownDataSource", DataSource.class, () -> own)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(DataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDbDataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDataSource.class);
				assertThat(context.getBean(DataSource.class)).isSameAs(own);
				assertThat(context.getBean(JdbcClient.class).sql("SELECT 1").query(Integer.class).single())
					.isEqualTo(1);
			});
		assertThat(this.tempDir.resolve("kiwi.db")).doesNotExist();
	}

	@Test
	void whenDisabledThenNoKiwiDataSource() {
		Path file = this.tempDir.resolve("app.db");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class))
			.withPropertyValues("kiwi.db.enabled=false", "kiwi.db.path=" + file)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DataSource.class);
				assertThat(context).doesNotHaveBean(KiwiDbProperties.class);
			});
		assertThat(file).doesNotExist();
	}

	@Test
	void whenSqliteJdbcIsMissingThenAutoConfigurationBacksOff() {
		Path file = this.tempDir.resolve("app.db");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(org.sqlite.JDBC.class))
			.withPropertyValues("kiwi.db.path=" + file)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DataSource.class);
			});
		assertThat(file).doesNotExist();
	}

	@Test
	void flywayMigratesThroughTheKiwiDataSourceAndCloseLeavesOnlyTheDatabaseFile() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + file)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(DataSource.class);
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				List<String> tables = jdbc.sql("SELECT name FROM sqlite_schema WHERE type = 'table'")
					.query(String.class)
					.list();
				assertThat(tables).contains("notes", "flyway_schema_history");
				assertThat(jdbc.sql("SELECT version FROM flyway_schema_history WHERE success = 1")
					.query(String.class)
					.list()).containsExactly("1");
				jdbc.sql("INSERT INTO notes (body) VALUES (?)").param("migrated").update();
				assertThat(file.resolveSibling("app.db-wal")).exists();
			});
		assertThat(file).isRegularFile();
		assertThat(file.resolveSibling("app.db-wal")).doesNotExist();
		assertThat(file.resolveSibling("app.db-shm")).doesNotExist();
		assertThat(listRecursively(this.tempDir)).containsExactly(file);
	}

	@Test
	void whenFlywayIsDisabledThenFlywayPropertiesAreNotChecked() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + file, "spring.flyway.enabled=false",
					"spring.flyway.url=jdbc:sqlite:" + this.tempDir.resolve("other.db"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(KiwiDbDataSource.class);
			});
		assertThat(this.tempDir.resolve("other.db")).doesNotExist();
	}

	@Test
	void whenTheDataSourceWasClosedThenClosingTheContextDoesNotWait() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			kiwiDataSource(context).close();
			long started = System.nanoTime();
			context.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		});
	}

	/** The kiwi-db database behind the context's one DataSource. */
	static KiwiDataSource kiwiDataSource(ApplicationContext context) {
		try {
			return context.getBean(DataSource.class).unwrap(KiwiDataSource.class);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String pragma(JdbcClient jdbc, String name) {
		return jdbc.sql("PRAGMA " + name).query(String.class).single();
	}

	static List<Path> listRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			return paths.filter((path) -> !path.equals(directory)).sorted().toList();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
