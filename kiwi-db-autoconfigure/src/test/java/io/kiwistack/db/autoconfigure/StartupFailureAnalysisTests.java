package io.kiwistack.db.autoconfigure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.DamagedDatabaseException;
import io.kiwistack.db.DatabaseFileException;
import io.kiwistack.db.PragmaRejectedException;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.testsupport.ChildJvm;
import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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
	void whenAParentOfThePathIsAFileThenStartupFailsWithAnalysis() throws Exception {
		Path notADirectory = Files.writeString(this.tempDir.resolve("data"), "a file where a directory should be");
		Path file = notADirectory.resolve("app.db");
		FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class, "kiwi.db.path=" + file);
		assertThat(analysis.getDescription()).isEqualTo("The kiwi-db database file '" + file + "' (property "
				+ "kiwi.db.path) can't be used: " + notADirectory + " is not a directory. Nothing was created or changed.");
		assertThat(analysis.getAction()).isEqualTo("Choose a path whose parent folders are directories. Or set "
				+ "kiwi.db.path to another file.");
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
	void whenAnotherProcessHoldsTheFileExclusivelyAndTheFileIsSharedThenStartupFailsWithAnalysis() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		Process shell = holdExclusively(file);
		try {
			FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
					"kiwi.db.path=" + file, "kiwi.db.process-exclusive=false", "kiwi.db.busy-timeout=200ms");
			assertThat(analysis.getDescription()).startsWith("The kiwi-db database file '" + file
					+ "' (property kiwi.db.path) can't be used: another process holds it locked, and still did after "
					+ "the busy timeout (kiwi.db.busy-timeout=200ms): it has the file open exclusively, as another "
					+ "kiwi-db service with kiwi.db.process-exclusive=true (the default) does, or a sqlite3 with "
					+ "PRAGMA locking_mode=EXCLUSIVE, or it keeps a long transaction open ([SQLITE_BUSY]")
				.endsWith(". Nothing was created or changed.");
			assertThat(analysis.getAction()).isEqualTo("Stop the other process, or make it share the file: "
					+ "kiwi.db.process-exclusive=false shares the file only when every process that opens it shares it "
					+ "too, so another kiwi-db service on this file needs kiwi.db.process-exclusive=false as well (two "
					+ "services are better given a file each). Or set kiwi.db.path to another file.");
		}
		finally {
			shell.getOutputStream().close();
			shell.waitFor();
		}
	}

	@Test
	void whenAnotherKiwiDbServiceTookTheFileThenAServiceThatSharesItFailsWithAnalysis() throws Exception {
		Path file = this.tempDir.resolve("app.db");
		try (ChildJvm other = ChildJvm.of(ExclusiveService.class).arguments(file.toString()).start()) {
			assertThat(new String(other.process().getInputStream().readNBytes("open".length()), StandardCharsets.UTF_8))
				.as("the other service's output").isEqualTo("open");
			FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
					"kiwi.db.path=" + file, "kiwi.db.process-exclusive=false", "kiwi.db.busy-timeout=200ms");
			assertThat(analysis.getDescription()).contains("'" + file + "' (property kiwi.db.path) can't be used: "
					+ "another process holds it locked", "another kiwi-db service with kiwi.db.process-exclusive=true");
			assertThat(analysis.getAction()).startsWith("Stop the other process, or make it share the file");
			other.process().getOutputStream().close();
			assertThat(other.process().waitFor(10, TimeUnit.SECONDS)).as("the other service stops").isTrue();
		}
	}

	@Test
	void whenAnotherProcessHoldsTheFileExclusivelyAndThisOneWantsItToItselfThenStartupFailsWithAnalysis()
			throws Exception {
		Path file = this.tempDir.resolve("app.db");
		Process shell = holdExclusively(file);
		try {
			FailureAnalysis analysis = assertStartupFails(this.runner, DatabaseFileException.class,
					"kiwi.db.path=" + file, "kiwi.db.busy-timeout=200ms");
			assertThat(analysis.getDescription()).startsWith("The kiwi-db database file '" + file
					+ "' (property kiwi.db.path) can't be used: another process has it open ([SQLITE_BUSY]");
			assertThat(analysis.getAction()).startsWith("kiwi-db takes the file for this process alone "
					+ "(kiwi.db.process-exclusive=true): stop the other process (another instance of this service, a "
					+ "sqlite3 shell, an external Litestream)");
		}
		finally {
			shell.getOutputStream().close();
			shell.waitFor();
		}
	}

	/**
	 * A sqlite3 shell that creates {@code file} and keeps it locked exclusively, as a kiwi-db service
	 * that takes its file for itself does: SQLite's exclusive locking mode keeps the write lock after
	 * the first write.
	 */
	private static Process holdExclusively(Path file) throws IOException {
		Process shell = Sqlite3Shell.start(file);
		shell.getOutputStream().write(("PRAGMA locking_mode=EXCLUSIVE;\nCREATE TABLE t (v TEXT);\n"
				+ "INSERT INTO t VALUES ('theirs');\nSELECT 'held';\n").getBytes(StandardCharsets.UTF_8));
		shell.getOutputStream().flush();
		String answer = new String(shell.getInputStream().readNBytes("exclusive\nheld".length()),
				StandardCharsets.UTF_8);
		assertThat(answer).as("the shell's answer").isEqualTo("exclusive\nheld");
		return shell;
	}

	@Test
	void whenStatementCacheSizeIsNegativeThenStartupFailsWithAnalysis() {
		FailureAnalysis analysis = assertStartupFails(this.runner, InvalidConfigurationPropertyValueException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pool.statement-cache-size=-1");
		assertThat(analysis.getDescription()).startsWith("Invalid value '-1' for configuration property "
				+ "'kiwi.db.pool.statement-cache-size'").endsWith("It must be 0 (no cache) or more.");
	}

	@Test
	void whenTheDatasourceUrlIsASqliteUrlThenStartupFailsWithAnalysis() {
		Path file = this.tempDir.resolve("app.db");
		FailureAnalysis analysis = assertStartupFails(this.runner, SqliteDataSourceUrlException.class,
				"spring.datasource.url=jdbc:sqlite:" + file);
		assertThat(analysis.getDescription()).startsWith("Property 'spring.datasource.url' is set to 'jdbc:sqlite:"
				+ file + "', a SQLite database.");
		assertThat(analysis.getAction()).startsWith("Remove spring.datasource.url and set kiwi.db.path=" + file
				+ " instead.");
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
		assertThat(analysis.getDescription()).isEqualTo("SQLite did not take PRAGMA no_such_pragma = 1 (property "
				+ "kiwi.db.pragmas.no_such_pragma): it reports no value, so this SQLite does not know the pragma.");
		assertThat(analysis.getAction()).isEqualTo("Change or remove kiwi.db.pragmas.no_such_pragma; the pragmas "
				+ "SQLite knows are listed at https://sqlite.org/pragma.html.");
		assertThat(this.tempDir.resolve("nested")).doesNotExist();
	}

	@Test
	void whenPragmaIsMisspeltThenTheAnalysisSaysWhichOneWasMeantAndLinksNoMissingAnchor() {
		FailureAnalysis analysis = assertStartupFails(this.runner, PragmaRejectedException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pragmas.cache_sise=-20000");
		assertThat(analysis.getDescription()).isEqualTo("SQLite did not take PRAGMA cache_sise = -20000 (property "
				+ "kiwi.db.pragmas.cache_sise): it reports no value, so this SQLite does not know the pragma.");
		assertThat(analysis.getAction()).isEqualTo("Did you mean 'cache_size' (property kiwi.db.pragmas.cache_size)? "
				+ "Change or remove kiwi.db.pragmas.cache_sise; the pragmas SQLite knows are listed at "
				+ "https://sqlite.org/pragma.html.");
	}

	@Test
	void whenAMisspeltPragmaIsOneKiwiDbSetsThenTheAnalysisNamesItsProperty() {
		FailureAnalysis analysis = assertStartupFails(this.runner, PragmaRejectedException.class,
				"kiwi.db.path=" + this.tempDir.resolve("app.db"), "kiwi.db.pragmas.jornal_mode=delete");
		assertThat(analysis.getAction()).startsWith("Did you mean 'journal_mode' (property kiwi.db.journal-mode)? ");
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

	private FailureAnalysis assertStartupFails(ApplicationContextRunner runner, Class<? extends Throwable> expectedCause,
			String... properties) {
		return StartupFailures.analysisOf(runner, this.tempDir, expectedCause, properties);
	}

	private static String sha256(Path file) throws IOException {
		return StartupFailures.sha256(file);
	}

}
