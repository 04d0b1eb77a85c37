package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatabaseFile#prepare(Path)} against real files: what it creates, what it refuses, and that a
 * refused file is never changed.
 */
class DatabaseFileTests {

	@TempDir
	Path dir;

	private static Set<PosixFilePermission> permissions(Path path) throws IOException {
		return Files.getPosixFilePermissions(path);
	}

	private static List<Path> entries(Path directory) throws IOException {
		try (var entries = Files.list(directory)) {
			return entries.toList();
		}
	}

	/** A real SQLite database of a few pages, written by plain sqlite-jdbc and closed. */
	private Path realDatabase(String name) throws SQLException {
		Path file = this.dir.resolve(name);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (v TEXT)");
			statement.execute("INSERT INTO t VALUES ('a real row')");
		}
		return file;
	}

	/** A real SQLite database of some 30 pages, in the default rollback-journal mode, closed. */
	private Path databaseOfManyPages(String name) throws SQLException {
		Path file = this.dir.resolve(name);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (v TEXT)");
			insertRows(statement, 200);
		}
		return file;
	}

	private static void insertRows(Statement statement, int rows) throws SQLException {
		statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
				+ "INSERT INTO t SELECT printf('%.500c', 'x') FROM n");
	}

	private static int pageSize(Path file) throws IOException {
		byte[] header = Files.readAllBytes(file);
		return ((header[16] & 0xff) << 8) | (header[17] & 0xff);
	}

	/** The page count in the header, at offset 28. */
	private static long headerPages(Path file) throws IOException {
		return Integer.toUnsignedLong(ByteBuffer.wrap(Files.readAllBytes(file), 28, 4).getInt());
	}

	private static Path truncate(Path file, long size) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.truncate(size);
		}
		return file;
	}

	private static Path companion(Path file, String suffix) {
		return file.resolveSibling(file.getFileName() + suffix);
	}

	/** The newest image of page {@code pageNumber} in a write-ahead log whose frames are all valid. */
	private static byte[] newestFrameOf(byte[] wal, int pageNumber, int pageSize) {
		byte[] newest = null;
		for (int frame = 32; frame + 24 + pageSize <= wal.length; frame += 24 + pageSize) {
			if (ByteBuffer.wrap(wal, frame, 4).getInt() == pageNumber) {
				newest = java.util.Arrays.copyOfRange(wal, frame + 24, frame + 24 + pageSize);
			}
		}
		assertThat(newest).as("a frame of page %d in the log", pageNumber).isNotNull();
		return newest;
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			assertThat(rows.next()).as("a row from %s", sql).isTrue();
			return rows.getString(1);
		}
	}

	private static Path rewrite(Path file, Consumer<byte[]> change) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		change.accept(bytes);
		Files.write(file, bytes);
		return file;
	}

	/** Prepare {@code file}, expect a refusal mentioning {@code problem}, and check nothing changed. */
	private DatabaseFileException assertRefusedUnchanged(Path file, String problem) throws IOException {
		byte[] before = Files.readAllBytes(file);
		List<Path> entriesBefore = entries(file.getParent());

		DatabaseFileException refused = catchThrowableOfType(DatabaseFileException.class,
				() -> DatabaseFile.prepare(file));

		assertThat(refused).as("prepare(%s) is refused", file).isNotNull();
		assertThat(refused.file()).isEqualTo(file.toAbsolutePath().normalize());
		assertThat(refused.problem()).contains(problem);
		assertThat(refused.getMessage()).contains(file.toString()).contains(problem).contains(refused.fix());
		assertThat(refused.fix()).isNotBlank();
		assertThat(Files.readAllBytes(file)).as("the refused file's bytes").isEqualTo(before);
		assertThat(entries(file.getParent())).as("nothing created beside it").containsExactlyInAnyOrderElementsOf(
				entriesBefore);
		return refused;
	}

	@Test
	void createsMissingParentsOwnerOnlyAndAnEmptyOwnerOnlyFile() throws IOException {
		Path file = this.dir.resolve("a/b/app.db");

		DatabaseFile prepared = DatabaseFile.prepare(file);

		assertThat(prepared.path()).isEqualTo(file.toAbsolutePath().normalize());
		assertThat(file).isRegularFile();
		assertThat(Files.size(file)).isZero();
		assertThat(permissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(permissions(this.dir.resolve("a"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(permissions(this.dir.resolve("a/b"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(prepared.walFile()).isEqualTo(prepared.path().resolveSibling("app.db-wal"));
		assertThat(prepared.shmFile()).isEqualTo(prepared.path().resolveSibling("app.db-shm"));
		assertThat(prepared.size()).isZero();
		assertThat(prepared.walSize()).isZero();
	}

	@Test
	void normalizesARelativeLookingPathToAnAbsoluteOne() {
		Path file = this.dir.resolve("x/../app.db");

		DatabaseFile prepared = DatabaseFile.prepare(file);

		assertThat(prepared.path()).isEqualTo(this.dir.resolve("app.db").toAbsolutePath());
		assertThat(this.dir.resolve("app.db")).isRegularFile();
		assertThat(this.dir.resolve("x")).doesNotExist();
	}

	@Test
	void refusesADirectory() throws IOException {
		Path directory = Files.createDirectory(this.dir.resolve("app.db"));

		assertThatThrownBy(() -> DatabaseFile.prepare(directory)).isInstanceOf(DatabaseFileException.class)
			.hasMessageContaining("it is a directory")
			.satisfies((ex) -> assertThat(((DatabaseFileException) ex).problem()).isEqualTo("it is a directory"));
		assertThat(entries(directory)).isEmpty();
	}

	@Test
	void refusesAPathWhoseParentIsAFile() throws IOException {
		Path notADirectory = Files.writeString(this.dir.resolve("plain.txt"), "not a directory");

		assertThatThrownBy(() -> DatabaseFile.prepare(notADirectory.resolve("app.db")))
			.isInstanceOf(DatabaseFileException.class)
			.hasMessageContaining("is not a directory");
		assertThat(Files.readString(notADirectory)).isEqualTo("not a directory");
	}

	@Test
	void refusesATextFileAndLeavesItAlone() throws IOException {
		Path file = Files.writeString(this.dir.resolve("app.db"),
				"These are my notes, not a database. ".repeat(10), StandardCharsets.UTF_8);

		assertRefusedUnchanged(file, "it does not start with \"SQLite format 3\"");
	}

	@Test
	void refusesAFileShorterThanASqliteHeader() throws IOException {
		byte[] fifty = new byte[50];
		System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, fifty, 0, 16);
		Path file = Files.write(this.dir.resolve("app.db"), fifty);

		DatabaseFileException refused = assertRefusedUnchanged(file, "it is truncated (only 50 bytes, shorter than a SQLite header)");
		assertThat(refused).isInstanceOf(DamagedDatabaseException.class);
	}

	@Test
	void refusesAFileWithTheWrongMagic() throws Exception {
		Path file = rewrite(realDatabase("app.db"), (bytes) -> bytes[0] = 'X');

		assertRefusedUnchanged(file, "it is not a SQLite database");
	}

	@Test
	void refusesAHeaderWithACorruptPageSize() throws Exception {
		Path file = rewrite(realDatabase("app.db"), (bytes) -> {
			bytes[16] = 0x03;
			bytes[17] = (byte) 0xE8; // 1000
		});

		DatabaseFileException refused = assertRefusedUnchanged(file, "its SQLite header is corrupt");
		assertThat(refused.problem()).contains("page size 1000 is not a power of two");
	}

	@Test
	void refusesAHeaderWithBadPayloadFractions() throws Exception {
		Path file = rewrite(realDatabase("app.db"), (bytes) -> bytes[21] = 65);

		DatabaseFileException refused = assertRefusedUnchanged(file, "its SQLite header is corrupt");
		assertThat(refused.problem()).contains("payload fractions are not 64, 32, 32");
	}

	@Test
	void refusesAHeaderWithUnknownFileFormatVersions() throws Exception {
		Path file = rewrite(realDatabase("app.db"), (bytes) -> bytes[18] = 3);

		DatabaseFileException refused = assertRefusedUnchanged(file, "its SQLite header is corrupt");
		assertThat(refused.problem()).contains("file format versions 3/");
	}

	@Test
	void refusesADatabaseTruncatedToHalfItsPages() throws Exception {
		Path file = databaseOfManyPages("app.db");
		int pageSize = pageSize(file);
		long pages = Files.size(file) / pageSize;
		assertThat(pages).as("pages of the test database").isGreaterThan(20).isEqualTo(headerPages(file));
		truncate(file, pages / 2 * pageSize);

		DatabaseFileException refused = assertRefusedUnchanged(file,
				"it is truncated: its header counts " + pages + " pages of " + pageSize + " bytes");
		assertThat(refused).isInstanceOf(DamagedDatabaseException.class);
		assertThat(refused.problem()).endsWith("but the file has " + pages / 2 * pageSize + " bytes");
		assertThat(refused.fix()).contains("Move it away", "-wal and -shm", "restore the database from a replica or a backup");
	}

	@Test
	void refusesADatabaseCutInsideAPage() throws Exception {
		Path file = databaseOfManyPages("app.db");
		truncate(file, Files.size(file) - 1000);

		assertRefusedUnchanged(file, "it is truncated: its header counts");
	}

	@Test
	void refusesADatabaseThatIsNotAWholeNumberOfPages() throws Exception {
		Path file = databaseOfManyPages("app.db");
		Files.write(file, new byte[100], StandardOpenOption.APPEND);

		DatabaseFileException refused = assertRefusedUnchanged(file,
				"its " + Files.size(file) + " bytes are not a whole number of 4096-byte pages");
		assertThat(refused).isInstanceOf(DamagedDatabaseException.class);
	}

	@Test
	void refusesATruncatedDatabaseBesideAWriteAheadLogWithoutFrames() throws Exception {
		Path file = databaseOfManyPages("app.db");
		truncate(file, 4 * pageSize(file));
		// A log header and no frame, then what a TRUNCATE checkpoint leaves: neither holds a page.
		Path wal = Files.write(companion(file, "-wal"), new byte[32]);
		assertRefusedUnchanged(file, "it is truncated");
		Files.write(wal, new byte[0]);
		assertRefusedUnchanged(file, "it is truncated");
	}

	@Test
	void acceptsADatabaseShorterThanItsHeaderWhileItsWriteAheadLogHoldsTheRest() throws Exception {
		Path live = this.dir.resolve("live.db");
		Path crashed = Files.createDirectory(this.dir.resolve("crashed")).resolve("app.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + live);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode = wal");
			statement.execute("PRAGMA wal_autocheckpoint = 0");
			statement.execute("CREATE TABLE t (v TEXT)");
			statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
			insertRows(statement, 200);
			// What a crash leaves now: the file as the last checkpoint wrote it, every commit since in the log.
			Files.copy(live, crashed);
			Files.copy(companion(live, "-wal"), companion(crashed, "-wal"));
		}
		// A checkpoint writes page 1 first: a crash right after it leaves the new header on the old, short file.
		int pageSize = pageSize(crashed);
		byte[] newestPageOne = newestFrameOf(Files.readAllBytes(companion(crashed, "-wal")), 1, pageSize);
		try (FileChannel channel = FileChannel.open(crashed, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(newestPageOne), 0);
		}
		assertThat(headerPages(crashed) * pageSize).as("bytes the header counts").isGreaterThan(Files.size(crashed));
		Path withoutLog = Files.createDirectory(this.dir.resolve("without-log")).resolve("app.db");
		Files.copy(crashed, withoutLog);
		assertRefusedUnchanged(withoutLog, "it is truncated");

		assertThat(DatabaseFile.prepare(crashed).path()).isEqualTo(crashed);
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(crashed.toString()).build());
				Connection connection = dataSource.getConnection()) {
			assertThat(queryString(connection, "SELECT count(*) FROM t")).isEqualTo("200");
			assertThat(queryString(connection, "PRAGMA integrity_check")).isEqualTo("ok");
		}
	}

	@Test
	void acceptsADatabaseShorterThanItsHeaderWhileARollbackJournalCanUndoTheCommit() throws Exception {
		Path live = this.dir.resolve("live.db");
		Path crashed = Files.createDirectory(this.dir.resolve("crashed")).resolve("app.db");
		long committedSize;
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + live);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (v TEXT)");
			insertRows(statement, 10);
			committedSize = Files.size(live);
			// A cache too small for the transaction spills pages into the file, behind a hot journal.
			statement.execute("PRAGMA cache_size = 5");
			statement.execute("BEGIN");
			insertRows(statement, 1000);
			Files.copy(live, crashed);
			Files.copy(companion(live, "-journal"), companion(crashed, "-journal"));
			statement.execute("ROLLBACK");
		}
		assertThat(Files.size(crashed)).as("file with spilled pages").isGreaterThan(committedSize);
		assertThat(companion(crashed, "-journal")).isNotEmptyFile();
		// The commit's new header, counting more pages than were written when it stopped.
		rewrite(crashed, (bytes) -> ByteBuffer.wrap(bytes, 28, 4).putInt((int) (bytes.length / 4096 + 10)));

		assertThat(DatabaseFile.prepare(crashed).path()).isEqualTo(crashed);
		try (KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(crashed.toString()).build());
				Connection connection = dataSource.getConnection()) {
			assertThat(queryString(connection, "SELECT count(*) FROM t")).isEqualTo("10");
			assertThat(queryString(connection, "PRAGMA integrity_check")).isEqualTo("ok");
		}
	}

	@Test
	void judgesAHeaderWithAStalePageCountByWholePagesAlone() throws Exception {
		// SQLite before 3.7.0 left the page count stale; a version-valid-for number that differs from
		// the change counter says so, and such a count proves nothing.
		Path file = rewrite(databaseOfManyPages("app.db"), (bytes) -> bytes[95]++);
		truncate(file, 4 * pageSize(file));

		assertThat(DatabaseFile.prepare(file).path()).isEqualTo(file);
	}

	@Test
	void acceptsARealDatabaseAndAZeroLengthFile() throws Exception {
		Path real = realDatabase("real.db");
		Path empty = Files.createFile(this.dir.resolve("empty.db"));

		assertThat(DatabaseFile.prepare(real).path()).isEqualTo(real.toAbsolutePath());
		assertThat(DatabaseFile.prepare(empty).size()).isZero();
	}

	@Test
	void refusedFileIsNotRemovedByKiwiDataSourceOpen() throws IOException {
		Path file = Files.writeString(this.dir.resolve("app.db"), "hello ".repeat(40));
		byte[] before = Files.readAllBytes(file);

		assertThatThrownBy(() -> KiwiDataSource.open(KiwiDbSettings.builder(file.toString()).build()))
			.isInstanceOf(DatabaseFileException.class);
		assertThat(Files.readAllBytes(file)).isEqualTo(before);
	}

	@Test
	void refusesADirectoryItCannotWriteAndCreatesNothing() throws Exception {
		Path locked = Files.createDirectory(this.dir.resolve("locked"));
		boolean root = "root".equals(System.getProperty("user.name"));
		if (root) {
			chattr("+i", locked);
		}
		else {
			Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
		}
		try {
			assertThatThrownBy(() -> DatabaseFile.prepare(locked.resolve("app.db")))
				.isInstanceOf(DatabaseFileException.class)
				.hasMessageContaining("directory " + locked + " is not writable");
			assertThatThrownBy(() -> DatabaseFile.prepare(locked.resolve("sub/deeper/app.db")))
				.isInstanceOf(DatabaseFileException.class)
				.hasMessageContaining("is not writable");
			assertThat(entries(locked)).isEmpty();
		}
		finally {
			if (root) {
				chattr("-i", locked);
			}
			else {
				Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
			}
		}
	}

	private static void chattr(String flag, Path path) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("chattr %s finishes", flag).isTrue();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("chattr %s %s: %s", flag, path, output).isZero();
	}

	@Test
	void discardIfCreatedRemovesTheNewFileItsCompanionsAndTheNewDirectories() throws IOException {
		Path existing = Files.createDirectory(this.dir.resolve("existing"));
		Path file = existing.resolve("new/deeper/app.db");
		DatabaseFile prepared = DatabaseFile.prepare(file);
		Files.writeString(prepared.walFile(), "wal");
		Files.writeString(prepared.shmFile(), "shm");

		prepared.discardIfCreated();

		assertThat(file).doesNotExist();
		assertThat(prepared.walFile()).doesNotExist();
		assertThat(prepared.shmFile()).doesNotExist();
		assertThat(existing.resolve("new")).doesNotExist();
		assertThat(existing).isDirectory();
	}

	@Test
	void discardIfCreatedKeepsAnExistingParentDirectory() {
		Path file = this.dir.resolve("app.db");
		DatabaseFile prepared = DatabaseFile.prepare(file);

		prepared.discardIfCreated();

		assertThat(file).doesNotExist();
		assertThat(this.dir).isDirectory();
	}

	@Test
	void discardIfCreatedNeverRemovesAFileThatWasThereBefore() throws Exception {
		Path real = realDatabase("real.db");
		byte[] realBytes = Files.readAllBytes(real);
		Path empty = Files.createFile(this.dir.resolve("empty.db"));

		DatabaseFile.prepare(real).discardIfCreated();
		DatabaseFile.prepare(empty).discardIfCreated();

		assertThat(Files.readAllBytes(real)).isEqualTo(realBytes);
		assertThat(empty).exists();
		assertThat(Files.size(empty)).isZero();
	}

}
