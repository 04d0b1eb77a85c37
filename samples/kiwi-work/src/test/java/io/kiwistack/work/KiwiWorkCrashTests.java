package io.kiwistack.work;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.kiwistack.work.KiwiWorkClient.titlesById;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Work in a JVM of its own, killed with SIGKILL while clients are writing, then restarted on
 * the same database file. Logs of the forked JVMs are in {@code target/crash-tests/}.
 */
class KiwiWorkCrashTests {

	private static final int ROUNDS = 3;

	private static final int WRITERS = 8;

	private static final Duration LOAD_BEFORE_KILL = Duration.ofMillis(2500);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final int SIGKILL_EXIT_STATUS = 128 + 9;

	private static final Path LOGS = Path.of("target", "crash-tests");

	@TempDir
	Path tempDir;

	@Test
	@Timeout(120)
	void acknowledgedTasksSurviveSigkillOfTheService() throws Exception {
		Path database = this.tempDir.resolve("work.db");
		Path wal = this.tempDir.resolve("work.db-wal");
		Map<Long, String> acknowledged = new HashMap<>();

		for (int round = 1; round <= ROUNDS; round++) {
			try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("round-" + round + ".log"))) {
				KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
				assertThat(titlesById(client.pending())).as("tasks after restart, round %d", round)
					.containsAllEntriesOf(acknowledged);

				TaskWriteLoad load = TaskWriteLoad.start(client, "round-" + round, WRITERS, 100_000,
						Duration.ofSeconds(20));
				Thread.sleep(LOAD_BEFORE_KILL.toMillis());
				int exitStatus = service.kill();
				assertThat(load.stop(Duration.ofSeconds(10))).as("writers ended").isTrue();

				assertThat(exitStatus).as("exit status of the killed JVM").isEqualTo(SIGKILL_EXIT_STATUS);
				assertThat(wal).as("WAL the killed service left for recovery").isNotEmptyFile();
				assertThat(load.rejected()).as("requests answered with an error, round %d", round).isEmpty();
				assertThat(load.acknowledged()).as("acknowledged tasks, round %d", round).isNotEmpty();
				System.out.printf("round %d: %d tasks acknowledged, %d requests unanswered, WAL left: %d bytes%n", round,
						load.acknowledged().size(), load.unanswered(), Files.size(wal));
				acknowledged.putAll(load.acknowledged());
			}
		}

		try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("after-last-round.log"))) {
			KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
			assertThat(titlesById(client.pending())).as("tasks after the last restart")
				.containsAllEntriesOf(acknowledged);
			assertThat(service.stop()).as("exit status of the stopped JVM, log:%n%s", service.logTail())
				.isIn(0, 128 + 15);
		}
		System.out.printf("after a graceful stop: WAL %s, shared memory %s%n", Files.exists(wal) ? "left" : "removed",
				Files.exists(this.tempDir.resolve("work.db-shm")) ? "left" : "removed");

		assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).isEqualTo("ok");
		assertThat(Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(database, "SELECT id, title FROM tasks;")))
			.as("tasks read by sqlite3")
			.containsAllEntriesOf(acknowledged);
	}

}
