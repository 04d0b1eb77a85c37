package io.kiwistack.db;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.replication.ReplicationSettings;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PrimaryReplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * {@code kiwi.db.process-exclusive}: while a kiwi-db database is open, another process (here the
 * {@code sqlite3} shell) can't open its file, nothing kiwi-db does in between lets go of that, and
 * a process that finds the file taken fails with a reason and leaves it untouched.
 */
class ProcessExclusiveTests {

	private static final String LOCKED = "database is locked";

	@TempDir
	Path dir;

	private Path dbPath() {
		return this.dir.resolve("app.db");
	}

	private KiwiDataSource open(boolean processExclusive) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(dbPath().toString())
			.processExclusive(processExclusive)
			.busyTimeout(Duration.ofMillis(200))
			.build());
	}

	@Test
	void anotherProcessCannotOpenTheFileUntilTheDatabaseIsClosed() throws Exception {
		try (KiwiDataSource dataSource = open(true)) {
			createTableWithOneRow(dataSource);
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).contains(LOCKED);
		}
		assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).isEqualTo("1");
	}

	@Test
	void withProcessExclusiveOffAnotherProcessReadsTheOpenDatabase() throws Exception {
		try (KiwiDataSource dataSource = open(false)) {
			createTableWithOneRow(dataSource);
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).isEqualTo("1");
		}
	}

	@Test
	void openingAFileAnotherProcessHasOpenFailsWithTheReasonAndChangesNothing() throws Exception {
		assertThat(sqlite3(dbPath(), "CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('theirs');")).isEmpty();
		String before = sha256(dbPath());
		Process shell = new ProcessBuilder("sqlite3", dbPath().toString()).redirectErrorStream(true).start();
		try {
			OutputStream input = shell.getOutputStream();
			// An open read transaction: the shell holds a shared lock on the file until it ends.
			input.write("BEGIN;\nSELECT v FROM t;\n".getBytes(StandardCharsets.UTF_8));
			input.flush();
			byte[] expected = "theirs".getBytes(StandardCharsets.UTF_8);
			byte[] answer = shell.getInputStream().readNBytes(expected.length);
			assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("theirs");

			assertThatThrownBy(() -> open(true)).isInstanceOf(DatabaseFileException.class)
				.hasMessageContaining(dbPath().toString())
				.hasMessageContaining("another process has it open")
				.hasMessageContaining("kiwi.db.process-exclusive=false");
			assertThat(sha256(dbPath())).as("the file after the refused open").isEqualTo(before);
			assertThat(this.dir.resolve("app.db-wal")).doesNotExist();
		}
		finally {
			shell.getOutputStream().close();
			assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
		}
		try (KiwiDataSource dataSource = open(true); Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT v FROM t")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getString(1)).isEqualTo("theirs");
		}
	}

	@Test
	void aReplicationSnapshotKeepsTheFileTaken() throws Exception {
		ReplicationSettings onlyWhenAsked = ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1));
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(dbPath().toString())
			.autoCheckpoint(false)
			.busyTimeout(Duration.ofMillis(200))
			.build());
				PrimaryReplication replicator = KiwiDbReplicator.primary(dataSource,
						new FileReplicaClient(this.dir.resolve("replica")), onlyWhenAsked, Duration.ofMinutes(1))) {
			createTableWithOneRow(dataSource);
			// Starting ships the log and then a snapshot read from the live database file.
			replicator.start();
			replicator.syncNow();
			assertThat(replicator.status().lastError()).isNull();
			assertThat(replicator.status().position()).isNotNull();
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).contains(LOCKED);
		}
	}

	@Test
	void aReadOfTheFileByAnInterruptedThreadKeepsTheFileTaken() throws Exception {
		try (KiwiDataSource dataSource = open(true)) {
			createTableWithOneRow(dataSource);
			byte[] header = new byte[16];
			try (HeldOpenFile held = dataSource.holdFile(); var in = held.inputStream()) {
				// A thread interrupted while it reads the file, as a replicator stopped during a snapshot.
				Thread.currentThread().interrupt();
				try {
					assertThat(in.readNBytes(header, 0, header.length)).isEqualTo(header.length);
				}
				finally {
					assertThat(Thread.interrupted()).as("the interrupt is kept for the thread to see").isTrue();
				}
			}
			assertThat(new String(header, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3\0");
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).contains(LOCKED);
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("INSERT INTO t VALUES ('after')");
			}
		}
		assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).isEqualTo("2");
	}

	@Test
	void aSecondDatabaseOnTheSameFileInThisProcessKeepsTheFileTaken() throws Exception {
		try (KiwiDataSource first = open(true)) {
			createTableWithOneRow(first);
			try (KiwiDataSource second = open(true); Connection connection = second.getConnection();
					Statement statement = connection.createStatement();
					var rows = statement.executeQuery("SELECT count(*) FROM t")) {
				rows.next();
				assertThat(rows.getInt(1)).isOne();
			}
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).contains(LOCKED);
		}
		assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).isEqualTo("1");
	}

	@Test
	void readerConnectionsRefuseWritesAndStayReadOnly() throws Exception {
		try (KiwiDataSource dataSource = open(true)) {
			createTableWithOneRow(dataSource);
			javax.sql.DataSource readers = dataSource.readOnlyDataSource().orElseThrow();
			try (Connection reader = readers.getConnection(); Statement statement = reader.createStatement()) {
				assertThatThrownBy(() -> statement.execute("INSERT INTO t VALUES ('no')"))
					.hasMessageContaining("A read-only transaction tried to write");
				assertThatThrownBy(() -> statement.execute("PRAGMA query_only = 0"))
					.hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> statement.execute("  pragma main.QUERY_ONLY=false"))
					.hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> statement.execute("/* a comment */ -- and another\n PRAGMA query_only = 0"))
					.hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> statement.addBatch("PRAGMA query_only = 0")).hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> reader.prepareStatement("PRAGMA query_only = 0", java.sql.ResultSet.TYPE_FORWARD_ONLY,
						java.sql.ResultSet.CONCUR_READ_ONLY)).hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> statement.execute("PRAGMA wal_checkpoint(TRUNCATE)"))
					.hasMessageContaining("stay read-only");
				assertThatThrownBy(() -> statement.execute("DELETE FROM t")).hasMessageContaining("read-only");
			}
			assertThat(sqlite3(dbPath(), "SELECT count(*) FROM t;")).contains(LOCKED);
		}
		assertThat(sqlite3(dbPath(), "SELECT group_concat(v) FROM t;")).isEqualTo("ours");
	}

	@Test
	void aPathWithCharactersThatMeanSomethingInAUriOpensThatFile() throws Exception {
		Path odd = this.dir.resolve("a?b#c%20d").resolve("app.db");
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(odd.toString()).build())) {
			createTableWithOneRow(dataSource);
		}
		assertThat(odd).isRegularFile();
		assertThat(sqlite3(odd, "SELECT count(*) FROM t;")).isEqualTo("1");
		try (var files = Files.list(this.dir)) {
			assertThat(files).as("what was created in the directory").containsExactly(odd.getParent());
		}
	}

	private static void createTableWithOneRow(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (v TEXT)");
			statement.execute("INSERT INTO t VALUES ('ours')");
		}
	}

	/** What the sqlite3 shell prints for {@code sql} on {@code file}, its errors included. */
	static String sqlite3(Path file, String sql) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("sqlite3", "-cmd", ".timeout 100", file.toString(), sql)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return output;
	}

	private static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

}
