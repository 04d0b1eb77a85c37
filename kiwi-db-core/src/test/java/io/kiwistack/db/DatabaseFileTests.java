package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
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

		assertRefusedUnchanged(file, "only 50 bytes, shorter than a SQLite header");
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
