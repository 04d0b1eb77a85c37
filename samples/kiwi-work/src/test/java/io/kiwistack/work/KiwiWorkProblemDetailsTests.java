package io.kiwistack.work;

import java.net.http.HttpResponse;
import java.nio.file.Path;

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
 * Kiwi Work started for real and sent requests it must refuse: each answer is an RFC 9457 problem
 * detail that says what was wrong, and nothing refused is stored. One instance serves every test.
 */
@ExtendWith(OutputCaptureExtension.class)
class KiwiWorkProblemDetailsTests {

	@TempDir
	static Path tempDir;

	static ConfigurableApplicationContext app;

	static KiwiWorkClient client;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(KiwiWorkApplication.class).main(KiwiWorkApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--kiwi.db.path=" + tempDir.resolve("work.db"));
		client = new KiwiWorkClient(app.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void aBlankOrMissingTitleIsABadRequestNamingTheField() throws Exception {
		JsonNode blank = expectProblem(client.postTask("  "), 400, "POST /tasks with a blank title");
		assertThat(blank.path("title").asString()).isEqualTo("Invalid request content");
		assertThat(blank.path("detail").asString()).isEqualTo("title: must not be blank");
		assertThat(blank.path("instance").asString()).isEqualTo("/tasks");
		assertThat(blank.path("errors")).hasSize(1);
		assertThat(blank.path("errors").path(0).path("field").asString()).isEqualTo("title");
		assertThat(blank.path("errors").path(0).path("message").asString()).isEqualTo("must not be blank");

		JsonNode missing = expectProblem(client.post("/tasks", "{}"), 400, "POST /tasks without a title");
		assertThat(missing.path("detail").asString()).isEqualTo("title: must not be blank");
	}

	@Test
	void aTitleOf4000CharactersIsTakenAndOneOf4001Refused() throws Exception {
		Task longest = client.create("t".repeat(4000));
		assertThat(longest.title()).hasSize(4000);

		JsonNode problem = expectProblem(client.postTask("u".repeat(4001)), 400, "POST /tasks with 4001 characters");
		assertThat(problem.path("detail").asString()).isEqualTo("title: must be at most 4000 characters");
		assertThat(client.pending()).extracting(Task::title).doesNotContain("u".repeat(4001));
	}

	@Test
	void aTitleOfTenMegabytesIsRefusedWithoutBeingEchoedOrStored() throws Exception {
		HttpResponse<String> response = client.postTask("v".repeat(10 * 1024 * 1024));

		JsonNode problem = expectProblem(response, 400, "POST /tasks with a 10 MB title");
		assertThat(problem.path("detail").asString()).isEqualTo("title: must be at most 4000 characters");
		assertThat(response.body()).hasSizeLessThan(1000);
		assertThat(client.pending()).extracting(Task::title).noneMatch((title) -> title.startsWith("vvv"));
	}

	@Test
	void aNumberOrABooleanForTheTitleIsRefusedNotStoredAsText() throws Exception {
		JsonNode number = expectProblem(client.post("/tasks", "{\"title\": 42}"), 400, "POST /tasks with title 42");
		assertThat(number.path("detail").asString()).isEqualTo("title: must be a string");
		assertThat(number.path("errors").path(0).path("field").asString()).isEqualTo("title");

		JsonNode bool = expectProblem(client.post("/tasks", "{\"title\": true}"), 400, "POST /tasks with title true");
		assertThat(bool.path("detail").asString()).isEqualTo("title: must be a string");
		assertThat(client.pending()).extracting(Task::title).doesNotContain("42", "true");
	}

	@Test
	void malformedJsonIsABadRequestSayingWhereNotAStackTrace() throws Exception {
		HttpResponse<String> response = client.post("/tasks", "{\"title\": \"unfinished");

		JsonNode problem = expectProblem(response, 400, "POST /tasks with malformed JSON");
		assertThat(problem.path("detail").asString()).startsWith("The body is not valid JSON at line 1, column ");
		assertThat(response.body()).doesNotContain("Exception", "io.kiwistack", "tools.jackson");

		JsonNode array = expectProblem(client.post("/tasks", "[\"Ship it\"]"), 400, "POST /tasks with an array");
		assertThat(array.path("detail").asString()).isEqualTo("The body must be an object");

		JsonNode empty = expectProblem(client.post("/tasks", ""), 400, "POST /tasks without a body");
		assertThat(empty.path("detail").asString()).isEqualTo("The request needs a JSON body");
	}

	@Test
	void anUnknownTaskIsNotFoundNamingTheId() throws Exception {
		JsonNode problem = expectProblem(client.get("/tasks/4242"), 404, "GET /tasks/4242");
		assertThat(problem.path("title").asString()).isEqualTo("Task not found");
		assertThat(problem.path("detail").asString()).isEqualTo("No task with id 4242");
		assertThat(problem.path("instance").asString()).isEqualTo("/tasks/4242");

		JsonNode done = expectProblem(client.post("/tasks/4242/done", ""), 404, "POST /tasks/4242/done");
		assertThat(done.path("detail").asString()).isEqualTo("No task with id 4242");
	}

	@Test
	void refusedRequestsLeaveNoStackTraceInTheLog(CapturedOutput output) throws Exception {
		client.postTask(" ");
		client.postTask("w".repeat(4001));
		client.post("/tasks", "{\"title\": 42}");
		client.post("/tasks", "{\"title\": ");
		client.get("/tasks/4242");
		client.get("/tasks/not-a-number");

		assertThat(output.getAll()).doesNotContain("Exception", "\tat ");
	}

}
