package io.kiwistack.db.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.kiwistack.db.DamagedDatabaseException;
import io.kiwistack.db.DatabaseFileException;
import io.kiwistack.db.PragmaRejectedException;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup fails with a failure analysis that names the property and the fix for every bad input,
 * and leaves the disk as it was.
 */
class StartupFailureAnalysisTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class));

	@TempDir
	Path tempDir;

	@Test
	void whenPathIsADirectoryThenStartupFailsWithAnalysis() throws Exception {
		Path directory = Files.createDirectory(this.tempDir.resolve("app.db"));
		Files.writeString(directory.resolve("keep.txt"), "untouched");
		FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
				"kiwi.db.path=" + directory);
		assertThat(analysis.getDescription()).contains("kiwi.db.path", directory.toString(), "it is a directory");
		assertThat(analysis.getAction()).contains("kiwi.db.path", "Point the path at a file inside it",
				directory.resolve("app.db").toString());
	}

	@Test
	void whenParentDirectoryIsNotWritableThenStartupFailsWithAnalysis() throws Exception {
		Path locked = Files.createDirectory(this.tempDir.resolve("locked"));
		Files.writeString(locked.resolve("keep.txt"), "untouched");
		Path file = locked.resolve("sub").resolve("app.db");
		Runnable unlock = UnwritableDirectory.lock(locked);
		try {
			FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
					"kiwi.db.path=" + file);
			assertThat(analysis.getDescription()).contains("kiwi.db.path", file.toString(),
					"directory " + locked + " is not writable");
			assertThat(analysis.getAction()).contains("kiwi.db.path", "write access to " + locked);
		}
		finally {
			unlock.run();
		}
	}

	@Test
	void whenFileIsNotASqliteDatabaseThenStartupFailsWithAnalysis() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		Files.writeString(file, "id,title,done\n".repeat(20));
		FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
				"kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).contains("kiwi.db.path", file.toString(),
				"it is not a SQLite database (it does not start with \"SQLite format 3\")");
		assertThat(analysis.getAction()).contains("kiwi.db.path", "kiwi-db never overwrites it");
	}

	@Test
	void whenFileIsShorterThanASqliteHeaderThenStartupFailsWithAnalysis() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		Files.writeString(file, "not a database\n");
		FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
				"kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).contains("kiwi.db.path", "it is not a SQLite database (only 15 bytes");
		assertThat(analysis.getAction()).contains("kiwi.db.path", "kiwi-db never overwrites it");
	}

	@Test
	void whenFileHasACorruptHeaderThenStartupFailsWithAnalysis() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		byte[] content = new byte[4096];
		byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(magic, 0, content, 0, magic.length);
		content[16] = 0x03; // page size 0x0300 = 768, not a power of two
		content[17] = 0x00;
		content[18] = 1;
		content[19] = 1;
		content[21] = 64;
		content[22] = 32;
		content[23] = 32;
		Files.write(file, content);
		FailureAnalysis analysis = assertStartupFails(this.runner, DamagedDatabaseException.class,
				"kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).contains("kiwi.db.path", file.toString(),
				"is damaged: its SQLite header is corrupt (page size 768 is not a power of two from 512 to 65536)");
		assertThat(analysis.getAction()).contains("Move '" + file + "' away", "kiwi.db.replication.restore=if-missing",
				"from a backup");
	}

	@Test
	void whenTheDatabaseIsTruncatedThenStartupFailsWithAnalysisNamingTheFileAndTheWayOut() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		createDatabaseWithRows(this.runner, file);
		truncateToHalfItsPages(file);
		FailureAnalysis analysis = assertStartupFails(this.runner, DamagedDatabaseException.class,
				"kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).contains("'" + file + "' (property kiwi.db.path) is damaged",
				"it is truncated: its header counts", "kiwi-db did not write to it");
		assertThat(analysis.getAction()).contains("Move '" + file + "' away", "'" + file + "-wal'",
				"kiwi-db never deletes or repairs a damaged database",
				"With replication on (kiwi.db.replication.enabled=true), kiwi.db.replication.restore=if-missing, "
						+ "the default, restores the missing file from the replica on the next start",
				"copy the database back from a backup", ".recover");
	}

	@Test
	void whenSqliteFindsTheDatabaseMalformedThenStartupFailsWithAnalysisAndTheFileIsUnchanged() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		createDatabaseWithRows(this.runner, file);
		byte[] damaged = Files.readAllBytes(file);
		// Page 1's b-tree page type, past the header kiwi-db checks: only SQLite can tell it is wrong.
		damaged[100] = 0x42;
		Files.write(file, damaged);
		FailureAnalysis analysis = assertStartupFails(this.runner, DamagedDatabaseException.class,
				"kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).contains(file.toString(), "is damaged: SQLite finds it damaged",
				"SQLITE_CORRUPT");
		assertThat(analysis.getAction()).contains("Move '" + file + "' away", "kiwi.db.replication.restore=if-missing");
	}

	@Test
	void aTruncatedDatabaseMovedAwayAsTheAnalysisSaysIsRestoredFromTheReplicaOnTheNextStart(@TempDir Path replica)
			throws Exception {
		Path file = this.tempDir.resolve("app.db");
		ApplicationContextRunner replicated = this.runner
			.withConfiguration(AutoConfigurations.of(KiwiDbReplicationAutoConfiguration.class))
			.withPropertyValues("kiwi.db.replication.enabled=true", "kiwi.db.replication.url=file:" + replica);
		createDatabaseWithRows(replicated, file);
		truncateToHalfItsPages(file);
		byte[] truncated = Files.readAllBytes(file);

		FailureAnalysis analysis = assertStartupFails(replicated, DamagedDatabaseException.class, "kiwi.db.path=" + file);
		assertThat(analysis.getAction()).contains("kiwi.db.replication.restore=if-missing");

		Path moved = Files.move(file, this.tempDir.resolve("app.db.damaged"));
		replicated.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcClient.class).sql("SELECT count(*) FROM t").query(Integer.class).single())
				.isEqualTo(300);
		});
		assertThat(Files.readAllBytes(moved)).as("the damaged file, moved away").isEqualTo(truncated);
	}

	/** Start once on {@code file}, write a table of 300 rows over some 30 pages, and stop cleanly. */
	private static void createDatabaseWithRows(ApplicationContextRunner runner, Path file) {
		runner.withPropertyValues("kiwi.db.path=" + file).run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcClient jdbc = context.getBean(JdbcClient.class);
			jdbc.sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").update();
			jdbc.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
					+ "INSERT INTO t (v) SELECT printf('%.300c', 'x') FROM n").update();
		});
		assertThat(file.resolveSibling(file.getFileName() + "-wal")).as("log left by the clean stop").doesNotExist();
	}

	private static void truncateToHalfItsPages(Path file) throws IOException {
		byte[] header = Files.readAllBytes(file);
		int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
		long pages = Integer.toUnsignedLong(ByteBuffer.wrap(header, 28, 4).getInt());
		assertThat(pages).as("pages of the test database").isGreaterThan(20);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(pages / 2 * pageSize);
		}
	}

	@Test
	void whenAnotherProcessHasTheFileOpenThenStartupFailsWithAnalysisAndTheFileIsUnchanged() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		Process create = Sqlite3Shell.start(file, "CREATE TABLE t (v TEXT);");
		assertThat(create.waitFor()).isZero();
		String before = sha256(file);
		// The sqlite3 shell in an open read transaction: it holds a shared lock on the file.
		Process shell = Sqlite3Shell.start(file);
		try {
			shell.getOutputStream().write("BEGIN;\nSELECT count(*) FROM t;\n".getBytes(StandardCharsets.UTF_8));
			shell.getOutputStream().flush();
			assertThat(shell.getInputStream().read()).isEqualTo('0');
			FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
					"kiwi.db.path=" + file, "kiwi.db.busy-timeout=200ms");
			assertThat(analysis.getDescription()).contains(file.toString(), "another process has it open");
			assertThat(analysis.getAction()).contains("kiwi.db.process-exclusive=false");
			assertThat(sha256(file)).isEqualTo(before);
		}
		finally {
			shell.getOutputStream().close();
			shell.waitFor();
		}
	}

	@Test
	void whenJournalModeIsUnknownThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(this.runner, null,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.journal-mode=walx");
		assertThat(analysis.getDescription()).contains("kiwi.db.journal-mode", "walx");
		assertThat(analysis.getAction()).contains("DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF");
	}

	@Test
	void whenSynchronousIsUnknownThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(this.runner, null,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.synchronous=sometimes");
		assertThat(analysis.getDescription()).contains("kiwi.db.synchronous", "sometimes");
		assertThat(analysis.getAction()).contains("OFF", "NORMAL", "FULL", "EXTRA");
	}

	@Test
	void whenBusyTimeoutIsZeroThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.busy-timeout=0s");
		assertThat(analysis.getDescription()).contains("kiwi.db.busy-timeout",
				"It must be a positive duration, for example 5s.");
		assertThat(analysis.getAction()).contains("Review the value of the property");
	}

	@Test
	void whenAcquireTimeoutIsNegativeThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.acquire-timeout=-1s");
		assertThat(analysis.getDescription()).contains("kiwi.db.pool.acquire-timeout",
				"It must be a positive duration, for example 5s.");
		assertThat(analysis.getAction()).contains("Review the value of the property");
	}

	@Test
	void whenReadersAreNegativeThenStartupFailsWithAnalysis() {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.readers=-1");
		assertThat(analysis.getDescription()).contains("kiwi.db.pool.readers", "It must be 0 or more");
	}

	@Test
	void whenReadersAreSetForAnInMemoryDatabaseThenStartupFailsWithAnalysis() {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=:memory:", "kiwi.db.pool.readers=2");
		assertThat(analysis.getDescription()).contains("kiwi.db.pool.readers", "0 for ':memory:'");
	}

	@Test
	void whenFlywayUrlIsSetThenStartupFailsWithAnalysis() throws Exception {
		Path other = this.tempDir.resolve("other.db");
		FailureAnalysis analysis = assertStartupFails(
				this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class)),
				FlywaySecondConnectionException.class, "kiwi.db.path=" + this.tempDir.resolve("app.db"),
				"spring.flyway.url=jdbc:sqlite:" + other);
		assertThat(analysis.getDescription()).contains("spring.flyway.url", "its own connection",
				"single writer connection");
		assertThat(analysis.getAction()).contains("Remove 'spring.flyway.url'", "kiwi.db.path");
	}

	@Test
	void whenFlywayUserIsSetThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(
				this.runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class)),
				FlywaySecondConnectionException.class, "kiwi.db.path=" + this.tempDir.resolve("app.db"),
				"spring.flyway.user=admin");
		assertThat(analysis.getDescription()).contains("spring.flyway.user", "single writer connection");
		assertThat(analysis.getAction()).contains("Remove 'spring.flyway.user'", "kiwi.db.path");
	}

	@Test
	void whenPragmaIsUnknownThenStartupFailsWithAnalysisAndTheNewFileIsRemoved() throws Exception {
		Path file = this.tempDir.resolve("nested").resolve("deeper").resolve("app.db");
		FailureAnalysis analysis = assertStartupFails(this.runner, PragmaRejectedException.class,
				"kiwi.db.path=" + file, "kiwi.db.pragmas.no_such_pragma=1");
		assertThat(analysis.getDescription()).contains("kiwi.db.pragmas.no_such_pragma", "PRAGMA no_such_pragma = 1",
				"does not know the pragma");
		assertThat(analysis.getAction()).contains("Change or remove kiwi.db.pragmas.no_such_pragma");
		assertThat(this.tempDir.resolve("nested")).doesNotExist();
	}

	@Test
	void whenPragmaIsRejectedByAnExistingDatabaseThenStartupFailsWithAnalysisAndTheFileIsUnchanged() {
		Path file = this.tempDir.resolve("app.db");
		this.runner.withPropertyValues("kiwi.db.path=" + file)
			.run((context) -> context.getBean(JdbcClient.class).sql("CREATE TABLE t (id INTEGER PRIMARY KEY)").update());
		assertThat(file).isRegularFile();
		// page_size can't change once a WAL database exists: SQLite keeps 4096 and says nothing
		FailureAnalysis analysis = assertStartupFails(this.runner, PragmaRejectedException.class,
				"kiwi.db.path=" + file, "kiwi.db.pragmas.page_size=8192");
		assertThat(analysis.getDescription()).contains("kiwi.db.pragmas.page_size", "PRAGMA page_size = 8192",
				"'4096'");
		assertThat(analysis.getAction()).contains("Change or remove kiwi.db.pragmas.page_size",
				"https://sqlite.org/pragma.html#pragma_page_size");
	}

	@Test
	void whenPragmaValueIsNotAKeywordThenStartupFailsWithAnalysis() throws Exception {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pragmas.cache_size=1; DROP TABLE x");
		assertThat(analysis.getDescription()).contains("kiwi.db.pragmas.cache_size", "is not a number or a keyword");
	}

	/**
	 * Run the context with {@code properties}, assert that it failed (with a cause of
	 * {@code expectedCause} in the chain, when given) and that nothing under the temporary directory
	 * was created or changed, and return the failure analysis.
	 */
	private FailureAnalysis assertStartupFails(ApplicationContextRunner runner, Class<? extends Throwable> expectedCause,
			String... properties) {
		StartupFailure startup = startupFailure(runner, properties);
		if (expectedCause != null) {
			assertThat(causeChain(startup.failure())).anyMatch(expectedCause::isInstance);
		}
		assertThat(startup.analysis()).as("failure analysis of %s", startup.failure()).isNotNull();
		return startup.analysis();
	}

	/**
	 * Run the context with {@code properties}, assert that it failed and that nothing under the
	 * temporary directory was created or changed, and return the failure with its analysis, if any.
	 */
	private StartupFailure startupFailure(ApplicationContextRunner runner, String... properties) {
		Map<String, String> before = snapshot(this.tempDir);
		AtomicReference<ConfigurableApplicationContext> captured = new AtomicReference<>();
		AtomicReference<StartupFailure> result = new AtomicReference<>();
		runner.withInitializer(captured::set).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			result.set(new StartupFailure(failure, analyze(failure, captured.get())));
		});
		assertThat(snapshot(this.tempDir)).as("files under %s", this.tempDir).isEqualTo(before);
		return result.get();
	}

	private record StartupFailure(Throwable failure, FailureAnalysis analysis) {
	}

	private static List<Throwable> causeChain(Throwable failure) {
		List<Throwable> chain = new java.util.ArrayList<>();
		for (Throwable candidate = failure; candidate != null && !chain.contains(candidate); candidate = candidate
			.getCause()) {
			chain.add(candidate);
		}
		return chain;
	}

	private static FailureAnalysis analyze(Throwable failure, ConfigurableApplicationContext context) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
			.and(Environment.class, context.getEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(StartupFailureAnalysisTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
				// an analyzer that can't be built in this setting is skipped, as Boot does
			});
		return analyzers.stream().map((analyzer) -> analyzer.analyze(failure)).filter(Objects::nonNull).findFirst()
			.orElse(null);
	}

	/**
	 * Every path under {@code root} (not {@code root} itself) with its type, size, modification time
	 * and, for files, a SHA-256 of the content.
	 */
	private static Map<String, String> snapshot(Path root) {
		Map<String, String> entries = new TreeMap<>();
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.filter((candidate) -> !candidate.equals(root)).toList()) {
				BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
				String entry = (attributes.isDirectory() ? "dir" : "file size=" + attributes.size() + " sha256="
						+ sha256(path)) + " modified=" + attributes.lastModifiedTime().toMillis() + " perms="
						+ PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
				entries.put(root.relativize(path).toString(), entry);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return entries;
	}

	private static String sha256(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[8192];
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
