package io.kiwistack.work;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Work in a JVM of its own, started again on its database after the file was cut short while
 * it was stopped. Logs of the forked JVMs are in {@code target/truncated-database-tests/}.
 */
class KiwiWorkTruncatedDatabaseTests {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Path LOGS = Path.of("target", "truncated-database-tests");

	@TempDir
	Path tempDir;

	@Test
	@Timeout(180)
	void aTruncatedDatabaseStopsTheNextStartWithTheWayOutAndIsLeftUntouched() throws Exception {
		Path database = this.tempDir.resolve("work.db");
		try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("before-truncation.log"))) {
			KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 0; i < 100; i++) {
				client.create("Task " + i + " " + "x".repeat(400));
			}
			assertThat(service.stop()).as("exit status of the stopped JVM").isIn(0, 128 + 15);
		}
		assertThat(this.tempDir.resolve("work.db-wal")).as("log left by the clean stop").doesNotExist();
		int pageSize = 4096;
		long pages = Files.size(database) / pageSize;
		assertThat(pages).as("pages of Kiwi Work's database").isGreaterThan(10);
		try (FileChannel channel = FileChannel.open(database, StandardOpenOption.WRITE)) {
			channel.truncate(pages / 2 * pageSize);
		}
		byte[] truncated = Files.readAllBytes(database);

		try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("after-truncation.log"))) {
			assertThat(service.awaitExit(STARTUP_TIMEOUT)).as("exit status of the refused start").isNotZero();
			assertThat(service.logText()).contains("APPLICATION FAILED TO START",
					"The kiwi-db database file '" + database + "' (property kiwi.db.path) is damaged: it is truncated: "
							+ "its header counts " + pages + " pages of 4096 bytes",
					"Move '" + database + "' away",
					"kiwi.db.replication.restore=if-missing, the default, restores the missing file from the replica",
					"copy the database back from a backup");
		}
		assertThat(Files.readAllBytes(database)).as("the truncated file's bytes").isEqualTo(truncated);
		try (Stream<Path> entries = Files.list(this.tempDir)) {
			assertThat(entries).as("files beside the database").containsExactly(database);
		}
	}

}
