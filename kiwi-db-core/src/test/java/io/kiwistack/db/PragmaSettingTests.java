package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pragmas as {@link KiwiDataSource#open(KiwiDbSettings)} sets them on real SQLite files: each one is
 * read back, and a pragma SQLite does not take fails the open instead of being silently dropped.
 */
class PragmaSettingTests {

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeDataSources() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	private Path dbPath() {
		return this.dir.resolve("app.db");
	}

	private KiwiDataSource open(UnaryOperator<KiwiDbSettings.Builder> customizer) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(customizer.apply(KiwiDbSettings.builder(dbPath().toString())).build());
		this.opened.add(dataSource);
		return dataSource;
	}

	private static String pragma(KiwiDataSource dataSource, String name) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return pragma(connection, name);
		}
	}

	private static String pragma(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
			assertThat(rows.next()).as("PRAGMA %s reports a value", name).isTrue();
			return rows.getString(1);
		}
	}

	@Nested
	class OwnSettings {

		@Test
		void defaultsAreWalNormalFiveSecondsAndForeignKeysOn() throws Exception {
			KiwiDataSource dataSource = open(UnaryOperator.identity());
			assertThat(pragma(dataSource, "journal_mode")).isEqualTo("wal");
			assertThat(pragma(dataSource, "synchronous")).isEqualTo("1");
			assertThat(pragma(dataSource, "busy_timeout")).isEqualTo("5000");
			assertThat(pragma(dataSource, "foreign_keys")).isEqualTo("1");
		}

		@Test
		void journalModeIsSetAndReadBack() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.journalMode(JournalMode.DELETE));
			assertThat(pragma(dataSource, "journal_mode")).isEqualTo("delete");
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE t (v TEXT)");
			}
			assertThat(dataSource.file().orElseThrow().walFile()).doesNotExist();
		}

		@Test
		void synchronousFullReadsBackAsTwo() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.synchronous(SynchronousMode.FULL));
			assertThat(pragma(dataSource, "synchronous")).isEqualTo("2");
		}

		@Test
		void busyTimeoutIsSetInMilliseconds() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.busyTimeout(Duration.ofMillis(1234)));
			assertThat(pragma(dataSource, "busy_timeout")).isEqualTo("1234");
		}

		@Test
		void foreignKeysOnAreEnforced() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.foreignKeys(true));
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
				statement.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
				statement.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))");
				assertThatThrownBy(() -> statement.execute("INSERT INTO child VALUES (42)"))
					.isInstanceOf(SQLException.class)
					.hasMessageContaining("FOREIGN KEY");
			}
		}

		@Test
		void foreignKeysOffAreNotEnforced() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.foreignKeys(false));
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				assertThat(pragma(connection, "foreign_keys")).isEqualTo("0");
				statement.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
				statement.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))");
				assertThatCode(() -> statement.execute("INSERT INTO child VALUES (42)")).doesNotThrowAnyException();
			}
		}

	}

	@Nested
	class ExtraPragmas {

		@Test
		void extraPragmasAreSetAndReadBack() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.pragma("cache_size", "-4000")
				.pragma("temp_store", "memory")
				.pragma("secure_delete", "on"));
			assertThat(pragma(dataSource, "cache_size")).isEqualTo("-4000");
			assertThat(pragma(dataSource, "temp_store")).isEqualTo("2");
			assertThat(pragma(dataSource, "secure_delete")).isEqualTo("1");
		}

		@Test
		void extraPragmaNamesAreLowerCasedAndValuesTrimmed() {
			KiwiDbSettings settings = KiwiDbSettings.builder(dbPath().toString())
				.pragma(" Cache_Size ", " -4000 ")
				.pragma("TEMP_STORE", "MEMORY")
				.build();
			assertThat(settings.pragmas()).containsExactly(java.util.Map.entry("cache_size", "-4000"),
					java.util.Map.entry("temp_store", "MEMORY"));
		}

		@Test
		void unknownPragmaFailsTheOpenAndRemovesTheNewFile() {
			Throwable failure = catchThrowable(() -> open((builder) -> builder.pragma("no_such_pragma", "1")));

			assertThat(failure).as("opening with an unknown pragma fails").isNotNull();
			assertThat(dbPath()).doesNotExist();
			assertThat(dbPath().resolveSibling("app.db-wal")).doesNotExist();
			assertThat(dbPath().resolveSibling("app.db-shm")).doesNotExist();
		}

		@Test
		void unknownPragmaIsRejectedWithNoActualValue() {
			Throwable failure = catchThrowable(() -> open((builder) -> builder.pragma("no_such_pragma", "1")));

			assertThat(failure).isInstanceOf(PragmaRejectedException.class)
				.hasMessageContaining("does not know the pragma");
			PragmaRejectedException rejected = (PragmaRejectedException) failure;
			assertThat(rejected.pragma()).isEqualTo("no_such_pragma");
			assertThat(rejected.requested()).isEqualTo("1");
			assertThat(rejected.actual()).isNull();
			assertThat(rejected.knownPragmas()).as("SQLite's own PRAGMA pragma_list")
				.contains("cache_size", "journal_mode", "foreign_keys")
				.doesNotContain("no_such_pragma");
			assertThat(dbPath()).doesNotExist();
		}

		@Test
		void pageSizeOnAnExistingWalDatabaseIsRejectedAndTheFileIsLeftAlone() throws Exception {
			KiwiDataSource first = open(UnaryOperator.identity());
			try (Connection connection = first.getConnection(); Statement statement = connection.createStatement()) {
				assertThat(pragma(connection, "page_size")).isEqualTo("4096");
				statement.execute("CREATE TABLE t (v TEXT)");
				statement.execute("INSERT INTO t VALUES ('kept')");
			}
			first.close();
			byte[] before = Files.readAllBytes(dbPath());

			Throwable failure = catchThrowable(() -> open((builder) -> builder.pragma("page_size", "8192")));

			assertThat(failure).isInstanceOf(PragmaRejectedException.class).hasMessageContaining("page_size");
			PragmaRejectedException rejected = (PragmaRejectedException) failure;
			assertThat(rejected.pragma()).isEqualTo("page_size");
			assertThat(rejected.requested()).isEqualTo("8192");
			assertThat(rejected.actual()).isEqualTo("4096");
			assertThat(dbPath()).exists();
			assertThat(Files.readAllBytes(dbPath())).isEqualTo(before);
			try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dbPath());
					Statement statement = plain.createStatement();
					ResultSet rows = statement.executeQuery("SELECT v FROM t")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("kept");
			}
		}

		@Test
		void pageSizeOnANewDatabaseIsTaken() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.pragma("page_size", "8192"));
			assertThat(pragma(dataSource, "page_size")).isEqualTo("8192");
			assertThat(pragma(dataSource, "journal_mode")).isEqualTo("wal");
		}

	}

	@Nested
	class ReadBack {

		@Test
		void valueSqliteKeepsDifferentFromTheRequestIsRejected() throws Exception {
			try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:")) {
				PragmaSetting wal = new PragmaSetting("journal_mode", "wal");
				assertThatThrownBy(() -> wal.applyTo(connection)).isInstanceOf(PragmaRejectedException.class)
					.hasMessageContaining("it reports memory")
					.satisfies((ex) -> assertThat(((PragmaRejectedException) ex).actual()).isEqualTo("memory"));
			}
		}

		@Test
		void keywordsAndBooleansCompareByTheNumbersSqliteReports() throws Exception {
			try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:")) {
				assertThatCode(() -> {
					new PragmaSetting("synchronous", "extra").applyTo(connection);
					new PragmaSetting("temp_store", "file").applyTo(connection);
					new PragmaSetting("secure_delete", "fast").applyTo(connection);
					new PragmaSetting("foreign_keys", "yes").applyTo(connection);
					new PragmaSetting("cache_size", "-2000").applyTo(connection);
				}).doesNotThrowAnyException();
				assertThat(pragma(connection, "synchronous")).isEqualTo("3");
				assertThat(pragma(connection, "temp_store")).isEqualTo("1");
				assertThat(pragma(connection, "secure_delete")).isEqualTo("2");
			}
		}

	}

	@Nested
	class BuilderChecks {

		private final KiwiDbSettings.Builder builder = KiwiDbSettings.builder("app.db");

		@ParameterizedTest
		@ValueSource(strings = { "cache size", "x;drop", "1cache", "cache-size", "" })
		void rejectsPragmaNamesThatAreNotIdentifiers(String name) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.pragma(name, "1"))
				.withMessageContaining("is not a pragma name");
		}

		@ParameterizedTest
		@ValueSource(strings = { "1; drop table t", "'a'", "1 2", "", "x)" })
		void rejectsPragmaValuesThatAreNotANumberOrKeyword(String value) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.pragma("cache_size", value))
				.withMessageContaining("is not a number or a keyword");
		}

		@Test
		void rejectsNullPragmaValue() {
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.pragma("cache_size", null));
		}

		@ParameterizedTest
		@ValueSource(strings = { "journal_mode", "JOURNAL_MODE", "synchronous", "busy_timeout", "foreign_keys",
				"query_only" })
		void rejectsPragmasThatHaveTheirOwnSetting(String name) {
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.pragma(name, "wal"))
				.withMessageContaining("has its own setting");
		}

		@Test
		void rejectsZeroAndNegativeTimeouts() {
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.busyTimeout(Duration.ZERO))
				.withMessageContaining("busy timeout must be positive");
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.busyTimeout(Duration.ofMillis(-1)));
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.acquireTimeout(Duration.ZERO))
				.withMessageContaining("acquire timeout must be positive");
			assertThatIllegalArgumentException().isThrownBy(() -> this.builder.acquireTimeout(Duration.ofSeconds(-5)));
		}

		@Test
		void rejectsAnEmptyPath() {
			assertThatIllegalArgumentException().isThrownBy(() -> KiwiDbSettings.builder(" "));
			assertThatIllegalArgumentException().isThrownBy(() -> KiwiDbSettings.builder(null));
		}

		@Test
		void rejectedPragmaLeavesNoFileBehind() {
			assertThatIllegalArgumentException().isThrownBy(() -> KiwiDbSettings.builder(dbPath().toString())
				.pragma("x;drop", "1"));
			assertThat(dbPath()).doesNotExist();
		}

	}

}
