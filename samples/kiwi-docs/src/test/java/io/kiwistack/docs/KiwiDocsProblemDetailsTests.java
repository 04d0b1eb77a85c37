package io.kiwistack.docs;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static io.kiwistack.db.testsupport.JsonHttpClient.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Docs started for real and sent requests it must refuse: each answer is an RFC 9457 problem
 * detail that says what was wrong, and a refused change changes nothing. One instance serves every
 * test; each test works on documents of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class KiwiDocsProblemDetailsTests {

	@TempDir
	static Path tempDir;

	static ConfigurableApplicationContext app;

	static KiwiDocsClient client;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(KiwiDocsApplication.class).main(KiwiDocsApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + tempDir.resolve("docs.db"),
					"--kiwi.db.replication.enabled=false");
		client = new KiwiDocsClient(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void aPutWithoutVersionIsABadRequestNamingTheVersionAndChangesNothing() throws Exception {
		DocumentView draft = client.create("Draft", "First words.");

		HttpResponse<String> response = client.put("/documents/" + draft.id(),
				"{\"title\": \"Draft\", \"body\": \"Overwritten?\"}");

		JsonNode problem = expectProblem(response, 400, "PUT without version");
		assertThat(problem.path("title").asString()).isEqualTo("Invalid request content");
		assertThat(problem.path("detail").asString()).startsWith("version: is required");
		assertThat(problem.path("errors")).hasSize(1);
		assertThat(problem.path("errors").path(0).path("field").asString()).isEqualTo("version");
		assertThat(client.document(draft.id())).isEqualTo(draft);
	}

	@Test
	void aPutOnAStaleVersionIsAConflictNamingTheCurrentVersion() throws Exception {
		DocumentView plan = client.create("Plan", "Step one.");
		DocumentView planned = client.update(plan.id(), new DocumentChange("Plan", "Step two.", List.of(), 0L));

		HttpResponse<String> response = client.put("/documents/" + plan.id(),
				new DocumentChange("Plan", "A stale edit.", List.of(), 0L));

		JsonNode problem = expectProblem(response, 409, "PUT on version 0");
		assertThat(problem.path("title").asString()).isEqualTo("Document changed");
		assertThat(problem.path("detail").asString()).isEqualTo("Document " + plan.id() + " is at version 1, not 0 as sent: "
				+ "it changed since it was read. Read it again, redo the change and send version 1.");
		assertThat(problem.path("currentVersion").asLong()).isEqualTo(1);
		assertThat(problem.path("instance").asString()).isEqualTo("/documents/" + plan.id());
		assertThat(client.document(plan.id())).isEqualTo(planned);
	}

	@Test
	void aPutOnAnUnknownDocumentIsNotFoundNamingTheId() throws Exception {
		JsonNode problem = expectProblem(client.put("/documents/4242", new DocumentChange("x", "", List.of(), 0L)),
				404, "PUT /documents/4242");
		assertThat(problem.path("title").asString()).isEqualTo("Document not found");
		assertThat(problem.path("detail").asString()).isEqualTo("No document with id 4242");
		expectProblem(client.get("/documents/4242"), 404, "GET /documents/4242");
		expectProblem(client.delete("/documents/4242"), 404, "DELETE /documents/4242");
	}

	@Test
	void aTitleOfTenMegabytesIsRefusedWithoutBeingEchoedOrStored() throws Exception {
		HttpResponse<String> response = client.post("/documents",
				new NewDocument("y".repeat(10 * 1024 * 1024), "Huge title.", List.of()));

		JsonNode problem = expectProblem(response, 400, "POST /documents with a 10 MB title");
		assertThat(problem.path("detail").asString()).isEqualTo("title: must be at most 200 characters");
		assertThat(response.body()).hasSizeLessThan(1000);
		assertThat(client.recent()).extracting(DocumentView::title).noneMatch((title) -> title.startsWith("yyy"));
	}

	@Test
	void theBodyAndTheTagsHaveLimitsToo() throws Exception {
		DocumentView longest = client.create("Longest", "b".repeat(100_000));
		assertThat(longest.body()).hasSize(100_000);

		JsonNode problem = expectProblem(
				client.post("/documents", new NewDocument("Too long", "b".repeat(100_001),
						Collections.nCopies(21, "tag"))),
				400, "POST /documents with a long body and many tags");
		assertThat(problem.path("detail").asString())
			.isEqualTo("body: must be at most 100000 characters; tags: must be at most 20 tags");
		JsonNode longTag = expectProblem(
				client.post("/documents", new NewDocument("Long tag", "", List.of("ok", "t".repeat(51)))), 400,
				"POST /documents with a long tag");
		assertThat(longTag.path("errors").path(0).path("field").asString()).isEqualTo("tags[1]");
		assertThat(client.recent()).extracting(DocumentView::title).doesNotContain("Too long", "Long tag");
	}

	@Test
	void aNumberForTheTitleOrTextForTheVersionIsRefused() throws Exception {
		JsonNode number = expectProblem(client.post("/documents", "{\"title\": 42}"), 400, "POST with title 42");
		assertThat(number.path("detail").asString()).isEqualTo("title: must be a string");
		DocumentView notes = client.create("Notes", "");
		JsonNode version = expectProblem(
				client.put("/documents/" + notes.id(), "{\"title\": \"Notes\", \"version\": \"zero\"}"), 400,
				"PUT with version \"zero\"");
		assertThat(version.path("detail").asString()).isEqualTo("version: must be a number");
		JsonNode tag = expectProblem(client.post("/documents", "{\"title\": \"Tagged\", \"tags\": [\"a\", 7]}"), 400,
				"POST with a number tag");
		assertThat(tag.path("detail").asString()).isEqualTo("tags[1]: must be a string");
		assertThat(client.recent()).extracting(DocumentView::title).doesNotContain("42", "Tagged");
	}

	@Test
	void malformedJsonAndBadQueriesAreBadRequestsSayingWhy() throws Exception {
		HttpResponse<String> malformed = client.post("/documents", "{\"title\": \"unfinished");
		JsonNode problem = expectProblem(malformed, 400, "POST malformed JSON");
		assertThat(problem.path("detail").asString()).startsWith("The body is not valid JSON at line 1, column ");
		assertThat(malformed.body()).doesNotContain("Exception", "io.kiwistack", "tools.jackson");

		JsonNode blank = expectProblem(client.searchResponse(" "), 400, "search for nothing");
		assertThat(blank.path("detail").asString()).isEqualTo("q must not be blank");
		JsonNode size = expectProblem(client.get("/documents?size=1000"), 400, "GET /documents?size=1000");
		assertThat(size.path("detail").asString()).isEqualTo("page must be 0 or more, size 1 to 100");
	}

	@Test
	void refusedRequestsLeaveNoStackTraceInTheLog(CapturedOutput output) throws Exception {
		DocumentView quiet = client.create("Quiet", "");
		client.put("/documents/" + quiet.id(), "{\"title\": \"Quiet\"}");
		client.put("/documents/" + quiet.id(), new DocumentChange("Quiet", "", List.of(), 7L));
		client.put("/documents/4242", new DocumentChange("Quiet", "", List.of(), 0L));
		client.post("/documents", "{\"title\": 42}");
		client.post("/documents", "{\"title\": ");
		client.searchResponse("");

		assertThat(output.getAll()).doesNotContain("Exception", "\tat ");
	}

}
