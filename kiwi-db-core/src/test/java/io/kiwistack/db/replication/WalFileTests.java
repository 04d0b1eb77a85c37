package io.kiwistack.db.replication;

import java.nio.charset.StandardCharsets;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kiwistack.db.DatabaseFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The replicator's reads of the log hold one descriptor from read to read, and never read a log
 * SQLite deleted and made again through it: each read finds the file the path names now.
 */
class WalFileTests {

	@TempDir
	Path directory;

	@Test
	void aLogDeletedAndMadeAgainIsReadFromTheNewFile() throws Exception {
		DatabaseFile database = DatabaseFile.prepare(this.directory.resolve("app.db"));
		Path log = database.walFile();
		try (WalFile wal = new WalFile(database)) {
			assertThat(wal.read(0, 100)).isEmpty();
			Files.writeString(log, "first log");
			assertThat(text(wal.read(0, 100))).isEqualTo("first log");
			assertThat(text(wal.read(6, 3))).isEqualTo("log");
			// As SQLite does when its last connection closes, and the next one opens.
			Files.delete(log);
			assertThat(wal.read(0, 100)).isEmpty();
			Files.writeString(log, "second");
			assertThat(text(wal.read(0, 100))).isEqualTo("second");
			Path aside = this.directory.resolve("aside");
			Files.writeString(aside, "third log");
			Files.move(aside, log, StandardCopyOption.REPLACE_EXISTING);
			assertThat(text(wal.read(0, 100))).isEqualTo("third log");
		}
	}

	@Test
	void aReadThatGoesOnFromAnotherReadsTheFileThatOneFoundAndTheNextReadFindsTheNewOne() throws Exception {
		DatabaseFile database = DatabaseFile.prepare(this.directory.resolve("app.db"));
		Path log = database.walFile();
		try (WalFile wal = new WalFile(database)) {
			assertThat(wal.readOn(0, 100)).as("no log yet, nothing held").isEmpty();
			Files.writeString(log, "first log");
			assertThat(text(wal.read(0, 5))).isEqualTo("first");
			Path aside = this.directory.resolve("aside");
			Files.writeString(aside, "second log");
			Files.move(aside, log, StandardCopyOption.REPLACE_EXISTING);
			assertThat(text(wal.readOn(6, 100))).as("going on in the file the read found").isEqualTo("log");
			assertThat(text(wal.read(0, 100))).isEqualTo("second log");
			assertThat(text(wal.readOn(7, 100))).isEqualTo("log");
			Files.delete(log);
			assertThat(wal.read(0, 100)).isEmpty();
			assertThat(wal.readOn(0, 100)).as("nothing held once the log is gone").isEmpty();
		}
	}

	@Test
	void aLogThatGrewOrWasTruncatedInPlaceIsReadAsItIsNow() throws Exception {
		DatabaseFile database = DatabaseFile.prepare(this.directory.resolve("app.db"));
		Path log = database.walFile();
		try (WalFile wal = new WalFile(database)) {
			Files.writeString(log, "short");
			assertThat(text(wal.read(0, 100))).isEqualTo("short");
			Files.writeString(log, " and longer", StandardOpenOption.APPEND);
			assertThat(text(wal.read(0, 100))).isEqualTo("short and longer");
			try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
				channel.truncate(0);
			}
			assertThat(wal.read(0, 100)).isEmpty();
		}
	}

	@Test
	void aReadInterruptedOnOneThreadLeavesTheNextReadsWhole() throws Exception {
		DatabaseFile database = DatabaseFile.prepare(this.directory.resolve("app.db"));
		Files.writeString(database.walFile(), "frames");
		try (WalFile wal = new WalFile(database)) {
			assertThat(text(wal.read(0, 100))).isEqualTo("frames");
			// An interrupted read closes the shared descriptor: the interrupted thread hears of it.
			Thread.currentThread().interrupt();
			try {
				assertThatExceptionOfType(ClosedByInterruptException.class).isThrownBy(() -> wal.read(0, 100));
			}
			finally {
				Thread.interrupted();
			}
			String[] read = new String[1];
			Thread other = new Thread(() -> {
				try {
					read[0] = text(wal.read(0, 100));
				}
				catch (Exception ex) {
					read[0] = ex.toString();
				}
			});
			other.start();
			other.join();
			assertThat(read[0]).isEqualTo("frames");
			assertThat(text(wal.read(2, 100))).isEqualTo("ames");
		}
	}

	@Test
	void aClosedLogStillReadsWithADescriptorPerRead() throws Exception {
		DatabaseFile database = DatabaseFile.prepare(this.directory.resolve("app.db"));
		Files.writeString(database.walFile(), "after the replicator stopped");
		WalFile wal = new WalFile(database);
		assertThat(text(wal.read(0, 9))).isEqualTo("after the");
		wal.close();
		assertThat(text(wal.read(0, 100))).isEqualTo("after the replicator stopped");
		assertThat(Files.list(Path.of("/proc/self/fd")).filter((fd) -> {
			try {
				return Files.readSymbolicLink(fd).equals(database.walFile());
			}
			catch (Exception ex) {
				return false;
			}
		})).isEmpty();
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.US_ASCII);
	}

}
