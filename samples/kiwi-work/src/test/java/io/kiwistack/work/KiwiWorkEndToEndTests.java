package io.kiwistack.work;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import io.kiwistack.db.testsupport.Sqlite3Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Work started for real, on a real database file, driven over real HTTP.
 */
class KiwiWorkEndToEndTests {

	@TempDir
	Path tempDir;

	@Test
	void createdTasksAreListedAsPendingUntilCompleted() throws Exception {
		try (ConfigurableApplicationContext app = start(this.tempDir.resolve("work.db"))) {
			KiwiWorkClient client = client(app);
			Instant before = Instant.now().minusSeconds(1);

			HttpResponse<String> created = client.postTask("Write the sample");
			assertThat(created.statusCode()).isEqualTo(201);
			Task sample = KiwiWorkClient.task(created);
			assertThat(sample.id()).isPositive();
			assertThat(sample.title()).isEqualTo("Write the sample");
			assertThat(sample.done()).isFalse();
			assertThat(sample.createdAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
			URI location = URI.create(created.headers().firstValue("Location").orElseThrow());
			assertThat(location.getPath()).isEqualTo("/tasks/" + sample.id());
			HttpResponse<String> byLocation = client.get(location);
			assertThat(byLocation.statusCode()).as("GET %s %s", location, byLocation.body()).isEqualTo(200);
			assertThat(KiwiWorkClient.task(byLocation)).isEqualTo(sample);

			Task review = client.create("Review the starter");
			Task ship = client.create("Ship it");
			assertThat(client.pending()).containsExactly(sample, review, ship);

			Task reviewed = client.complete(review.id());
			assertThat(reviewed.done()).isTrue();
			assertThat(reviewed.title()).isEqualTo(review.title());
			assertThat(client.pending()).containsExactly(sample, ship);
			assertThat(client.task(review.id())).isEqualTo(reviewed);
			assertThat(client.complete(review.id())).isEqualTo(reviewed);
		}
	}

	@Test
	void blankTitlesAreRejectedAndUnknownTasksAreNotFound() throws Exception {
		try (ConfigurableApplicationContext app = start(this.tempDir.resolve("work.db"))) {
			KiwiWorkClient client = client(app);

			assertThat(client.postTask("  ").statusCode()).isEqualTo(400);
			assertThat(client.postTask("").statusCode()).isEqualTo(400);
			assertThat(client.post("/tasks", "{}").statusCode()).isEqualTo(400);
			assertThat(client.pending()).isEmpty();

			assertThat(client.get("/tasks/4242").statusCode()).isEqualTo(404);
			assertThat(client.post("/tasks/4242/done", "").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void healthShowsTheDatabaseUpInWalMode() throws Exception {
		try (ConfigurableApplicationContext app = start(this.tempDir.resolve("work.db"))) {
			JsonNode health = client(app).health();

			assertThat(health.path("status").asString()).as("%s", health).isEqualTo("UP");
			JsonNode kiwiDb = health.path("components").path("kiwiDb");
			assertThat(kiwiDb.path("status").asString()).as("%s", health).isEqualTo("UP");
			JsonNode details = kiwiDb.path("details");
			assertThat(details.path("journalMode").asString()).as("%s", kiwiDb).isEqualTo("wal");
			assertThat(details.path("path").asString()).as("%s", kiwiDb).endsWith("work.db");
			assertThat(details.path("sqliteVersion").asString()).as("%s", kiwiDb).isNotBlank();
			assertThat(details.has("fileSize")).as("%s", kiwiDb).isTrue();
			assertThat(details.has("walSize")).as("%s", kiwiDb).isTrue();
		}
	}

	@Test
	void metricsShowTheDatabaseFileAndTheWaitsForTheWriter() throws Exception {
		try (ConfigurableApplicationContext app = start(this.tempDir.resolve("work.db"))) {
			KiwiWorkClient client = client(app);
			client.create("Measure it");

			JsonNode names = metric(client, "");
			assertThat(names.path("names").valueStream().map(JsonNode::asString)).as("%s", names)
				.contains("kiwi.db.size", "kiwi.db.wal.size", "kiwi.db.writer.acquire");
			JsonNode size = metric(client, "/kiwi.db.size");
			assertThat(size.path("baseUnit").asString()).as("%s", size).isEqualTo("bytes");
			assertThat(size.path("measurements").path(0).path("value").asDouble()).as("%s", size).isPositive();
			JsonNode acquire = metric(client, "/kiwi.db.writer.acquire");
			assertThat(acquire.path("measurements").path(0).path("statistic").asString()).as("%s", acquire)
				.isEqualTo("COUNT");
			assertThat(acquire.path("measurements").path(0).path("value").asDouble()).as("%s", acquire)
				.isGreaterThanOrEqualTo(1);
		}
	}

	@Test
	void aSecondInstanceOnTheSameFileSharesTheTasksAndClosingBothLeavesOneConsistentFile() throws Exception {
		Path database = this.tempDir.resolve("work.db");
		try (ConfigurableApplicationContext first = start(database)) {
			KiwiWorkClient firstClient = client(first);
			Task write = firstClient.create("Write the sample");
			firstClient.create("Review the starter");
			firstClient.create("Ship it");
			firstClient.complete(write.id());

			try (ConfigurableApplicationContext second = start(database)) {
				KiwiWorkClient secondClient = client(second);
				assertThat(port(second)).isNotEqualTo(port(first));
				assertThat(secondClient.pending()).isEqualTo(firstClient.pending()).hasSize(2);
				assertThat(secondClient.task(write.id()).done()).isTrue();

				Task announce = secondClient.create("Announce it");
				assertThat(firstClient.pending()).contains(announce).hasSize(3);
			}
			assertThat(firstClient.pending()).hasSize(3);
		}

		assertThat(database).isRegularFile();
		assertThat(this.tempDir.resolve("work.db-wal")).as("WAL file left after both closed").doesNotExist();
		assertThat(this.tempDir.resolve("work.db-shm")).as("shared-memory file left after both closed").doesNotExist();
		assertThat(Sqlite3Shell.run(database, "PRAGMA integrity_check;")).isEqualTo("ok");
		assertThat(Sqlite3Shell.run(database, "SELECT count(*) FROM tasks;")).isEqualTo("4");
		assertThat(Sqlite3Shell.run(database, "SELECT count(*) FROM tasks WHERE done = 1;")).isEqualTo("1");
	}

	private static ConfigurableApplicationContext start(Path database) {
		return new SpringApplicationBuilder(KiwiWorkApplication.class).main(KiwiWorkApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + database);
	}

	private static JsonNode metric(KiwiWorkClient client, String name) throws Exception {
		String path = "/actuator/metrics" + name;
		return KiwiWorkClient.fromJson(KiwiWorkClient.expect(client.get(path), 200, "GET " + path), JsonNode.class);
	}

	private static KiwiWorkClient client(ConfigurableApplicationContext app) {
		return new KiwiWorkClient(port(app));
	}

	private static int port(ConfigurableApplicationContext app) {
		return app.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

}
