package io.kiwistack.work;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work in a JVM of its own with its database on a 4 MB tmpfs, written to until the disk is
 * full. Logs of the forked JVMs are in {@code target/disk-full-tests/}.
 */
class KiwiWorkDiskFullTests {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private static final Path LOGS = Path.of("target", "disk-full-tests");

	/** Boot's default threshold, 10 MB, is more than the whole disk. */
	private static final List<String> ARGUMENTS = List.of("--management.health.diskspace.threshold=1MB");

	private static final String TITLE = "x".repeat(2000);

	@TempDir
	Path tempDir;

	@Test
	@Timeout(300)
	void whileTheDiskIsFullWritesFailAndHealthIsDownUntilAWriteCommitsOnceThereIsSpace() throws Exception {
		try (Tmpfs disk = Tmpfs.mount(this.tempDir.resolve("disk"), "4m")) {
			Path database = disk.path().resolve("work.db");
			Map<Long, String> acknowledged = new LinkedHashMap<>();
			try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("health.log"), ARGUMENTS)) {
				KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
				JsonNode healthy = client.health();
				assertThat(healthy.path("components").path("diskSpace").path("details").path("path").asString())
					.as("what Boot's diskSpace indicator watches, %s", healthy)
					.isEqualTo(disk.path().toString());
				JsonNode space = healthy.path("components").path("kiwiDb").path("details").path("disk");
				assertThat(space.path("fileStore").asString()).as("%s", space).startsWith(disk.path() + " (tmpfs");
				assertThat(space.path("total").asLong()).as("%s", space).isEqualTo(4L * 1024 * 1024);

				fillTheDisk(client, acknowledged);

				JsonNode full = client.health();
				assertThat(full.path("status").asString()).as("%s", full).isEqualTo("DOWN");
				JsonNode kiwiDb = full.path("components").path("kiwiDb");
				assertThat(kiwiDb.path("status").asString()).as("%s", kiwiDb).isEqualTo("DOWN");
				assertThat(kiwiDb.path("details").path("error").asString()).as("%s", kiwiDb)
					.startsWith("Writes fail: database or disk is full (SQLITE_FULL) since ")
					.contains(" bytes free on " + disk.path() + " (tmpfs");
				assertThat(kiwiDb.path("details").path("disk").path("free").asLong()).as("%s", kiwiDb)
					.isLessThan(1024 * 1024);
				assertThat(full.path("components").path("diskSpace").path("status").asString()).as("%s", full)
					.isEqualTo("DOWN");
				Map.Entry<Long, String> first = acknowledged.entrySet().iterator().next();
				assertThat(client.task(first.getKey()).title()).as("a read on the full disk").isEqualTo(first.getValue());
				assertThat(client.postTask("Still no space").statusCode()).as("a write on the full disk").isBetween(500,
						599);

				disk.resize("64m");
				assertThat(client.health().path("components").path("kiwiDb").path("status").asString())
					.as("with space again, before a write commits")
					.isEqualTo("DOWN");
				Task written = client.create("Written once there is space");
				acknowledged.put(written.id(), written.title());
				JsonNode recovered = client.health();
				assertThat(recovered.path("status").asString()).as("%s", recovered).isEqualTo("UP");
				assertThat(recovered.path("components").path("kiwiDb").path("details").has("error")).as("%s", recovered)
					.isFalse();

				assertThat(service.stop()).as("exit status of the stopped JVM").isIn(0, 128 + 15);
			}
			assertThat(disk.path().resolve("work.db-wal")).as("log left by the clean stop").doesNotExist();
			assertThat(tasksIn(database)).as("tasks read by sqlite3").isEqualTo(acknowledged);
			assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).isEqualTo("ok");
		}
	}

	@Test
	@Timeout(300)
	void aCleanStopOnAFullDiskKeepsTheLogAndLosesNoAcknowledgedTask() throws Exception {
		try (Tmpfs disk = Tmpfs.mount(this.tempDir.resolve("disk"), "4m")) {
			Path database = disk.path().resolve("work.db");
			Map<Long, String> acknowledged = new LinkedHashMap<>();
			try (KiwiWorkProcess service = KiwiWorkProcess.start(database, LOGS.resolve("stop.log"), ARGUMENTS)) {
				KiwiWorkClient client = service.awaitHealthy(STARTUP_TIMEOUT);
				fillTheDisk(client, acknowledged);

				assertThat(service.stop()).as("exit status of the JVM stopped on a full disk").isIn(0, 128 + 15);
				String log = service.logText();
				String kept = "Closed the kiwi-db database " + database + " with its write-ahead log kept (" + database
						+ "-wal, ";
				assertThat(log).as("log of the stop, %s", service.logTail())
					.containsOnlyOnce(kept)
					.contains("No committed transaction is lost: SQLite reads the log back when the database is opened next")
					.doesNotContain("Invocation of destroy method");
				assertThat(log.lines().filter((line) -> line.contains(kept)).findFirst().orElseThrow()).contains("WARN");
			}
			assertThat(disk.path().resolve("work.db-wal")).as("log kept by the stop").isNotEmptyFile();

			disk.resize("64m");
			assertThat(tasksIn(database)).as("tasks read by sqlite3").isEqualTo(acknowledged);
			assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).isEqualTo("ok");
		}
	}

	/**
	 * Posts tasks until one is refused, recording those acknowledged; the refusal must be a server
	 * error, never a success.
	 */
	private static void fillTheDisk(KiwiWorkClient client, Map<Long, String> acknowledged) throws IOException {
		for (int i = 0; i < 10_000; i++) {
			HttpResponse<String> response = client.postTask(i + " " + TITLE);
			if (response.statusCode() != 201) {
				assertThat(response.statusCode()).as("answer to a write on a full disk: %s", response.body())
					.isBetween(500, 599);
				assertThat(acknowledged).as("tasks written before the disk was full").hasSizeGreaterThan(100);
				return;
			}
			Task task = KiwiWorkClient.task(response);
			acknowledged.put(task.id(), task.title());
		}
		fail("10000 tasks fit on a 4 MB disk");
	}

	private static Map<Long, String> tasksIn(Path database) throws IOException, InterruptedException {
		return Sqlite3Shell.byFirstColumn(Sqlite3Shell.run(database, "SELECT id, title FROM tasks ORDER BY id;"));
	}

}
