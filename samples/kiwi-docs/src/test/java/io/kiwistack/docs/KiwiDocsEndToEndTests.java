package io.kiwistack.docs;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Docs started for real, on a real database file, driven over real HTTP. One instance serves
 * every test; each test searches for words of its own.
 */
class KiwiDocsEndToEndTests {

	@TempDir
	static Path tempDir;

	static ConfigurableApplicationContext app;

	static KiwiDocsClient client;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(KiwiDocsApplication.class).main(KiwiDocsApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + tempDir.resolve("docs.db"),
					"--kiwi.db.replication.url=file:" + tempDir.resolve("replica"),
					"--kiwi.db.replication.sync-interval=200ms");
		client = new KiwiDocsClient(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void documentsAreCreatedReadChangedAndDeleted() throws Exception {
		Instant before = Instant.now().minusSeconds(1);

		HttpResponse<String> created = client.post("/documents", new NewDocument(" Release notes ",
				"Version 0.1 ships the single writer.", List.of("Releases", " change log ", "releases")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		DocumentView notes = KiwiDocsClient.document(created);
		assertThat(notes.id()).isPositive();
		assertThat(notes.title()).isEqualTo("Release notes");
		assertThat(notes.tags()).containsExactly("releases", "change-log");
		assertThat(notes.version()).isZero();
		assertThat(notes.updatedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
		URI location = URI.create(created.headers().firstValue("Location").orElseThrow());
		assertThat(location.getPath()).isEqualTo("/documents/" + notes.id());
		assertThat(client.document(notes.id())).isEqualTo(notes);

		DocumentView changed = client.update(notes.id(), new DocumentChange("Release notes",
				"Version 0.2 adds readers.", List.of("releases"), notes.version()));
		assertThat(changed.body()).isEqualTo("Version 0.2 adds readers.");
		assertThat(changed.version()).isEqualTo(1);
		assertThat(changed.updatedAt()).isAfter(notes.updatedAt());
		assertThat(client.put("/documents/" + notes.id(),
				new DocumentChange("Release notes", "A stale edit.", List.of(), notes.version()))
			.statusCode()).isEqualTo(409);
		assertThat(client.document(notes.id())).isEqualTo(changed);

		DocumentView later = client.create("Roadmap", "Replication next.");
		assertThat(client.recent()).startsWith(later, changed);

		assertThat(client.delete("/documents/" + notes.id()).statusCode()).isEqualTo(204);
		assertThat(client.get("/documents/" + notes.id()).statusCode()).isEqualTo(404);
		assertThat(client.delete("/documents/" + notes.id()).statusCode()).isEqualTo(404);
		assertThat(client.put("/documents/4242", new DocumentChange("x", "", List.of(), 0L)).statusCode())
			.isEqualTo(404);
		assertThat(client.post("/documents", new NewDocument(" ", "No title.", List.of())).statusCode())
			.isEqualTo(400);
	}

	@Test
	void searchRanksTitleAndFrequentMatchesFirstAndMarksTheMatchedWords() throws Exception {
		DocumentView salad = client.create("Fruit salad",
				"Slice apples, bananas and one kiwi into a bowl, then add lime juice and mint.", "recipes");
		DocumentView guide = client.create("Growing kiwi vines",
				"Kiwi vines need a frost-free spring. Plant a male kiwi beside every few female plants.", "garden");
		client.create("Tomatoes", "Water them every morning.", "garden");

		List<SearchHit> hits = client.search("kiwi");

		assertThat(hits).extracting(SearchHit::id).containsExactly(guide.id(), salad.id());
		assertThat(hits.get(0).snippet()).contains("<mark>kiwi</mark>");
		assertThat(hits.get(1).snippet()).contains("one <mark>kiwi</mark> into");
		assertThat(hits.get(0).rank()).isLessThan(hits.get(1).rank());
		assertThat(client.search("planting")).extracting(SearchHit::id).containsExactly(guide.id());
		assertThat(client.search("kiwi garden")).extracting(SearchHit::id).containsExactly(guide.id());

		client.update(salad.id(),
				new DocumentChange("Kiwi salad", "Slice kiwis, kiwis and more kiwis.", List.of("recipes"), salad.version()));

		assertThat(client.search("kiwi")).extracting(SearchHit::id).containsExactly(salad.id(), guide.id());
		assertThat(client.search("bananas")).isEmpty();

		client.delete("/documents/" + salad.id());

		assertThat(client.search("kiwi")).extracting(SearchHit::id).containsExactly(guide.id());
	}

	@Test
	void searchTakesQuerySyntaxLiterallyAndRejectsABlankQuery() throws Exception {
		DocumentView faq = client.create("FAQ", "Is it \"production ready\"? (Yes: NEAR enough.)");

		assertThat(client.search("\"production ready\"? (yes")).extracting(SearchHit::id).containsExactly(faq.id());
		assertThat(client.search("ready NEAR")).extracting(SearchHit::id).containsExactly(faq.id());
		assertThat(client.searchResponse("  ").statusCode()).isEqualTo(400);
		assertThat(client.get("/documents/search").statusCode()).isEqualTo(400);
	}

	@Test
	void healthShowsTheDatabaseUp() throws Exception {
		JsonNode health = client.health();

		assertThat(health.path("status").asString()).as("%s", health).isEqualTo("UP");
		JsonNode kiwiDb = health.path("components").path("kiwiDb");
		assertThat(kiwiDb.path("status").asString()).as("%s", health).isEqualTo("UP");
		assertThat(kiwiDb.path("details").path("path").asString()).as("%s", kiwiDb).endsWith("docs.db");
		assertThat(kiwiDb.path("details").path("replication").path("role").asString()).as("%s", kiwiDb)
			.isEqualTo("primary");
	}

	@Test
	void theReplicaDirectoryGainsSegmentsAsDocumentsAreWritten() throws Exception {
		Path wal = onlyGeneration().resolve("wal");
		long before = segmentCount(wal);
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> created = client.post("/documents",
					new NewDocument("Replicated " + i, "Shipped to the replica directory.", List.of("replication")));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		}
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (segmentCount(wal) <= before && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(segmentCount(wal)).as("segments in %s", wal).isGreaterThan(before);
		assertThat(Files.exists(onlyGeneration().resolve("snapshots").resolve("00000000.snapshot.lz4"))).isTrue();
	}

	private static Path onlyGeneration() throws Exception {
		Path generations = tempDir.resolve("replica").resolve("generations");
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (!Files.isDirectory(generations) && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		try (Stream<Path> entries = Files.list(generations)) {
			List<Path> all = entries.toList();
			assertThat(all).hasSize(1);
			return all.get(0);
		}
	}

	private static long segmentCount(Path wal) throws Exception {
		if (!Files.isDirectory(wal)) {
			return 0;
		}
		try (Stream<Path> entries = Files.list(wal)) {
			return entries.filter((entry) -> entry.getFileName().toString().endsWith(".wal.lz4")).count();
		}
	}

}
