package io.kiwistack.work;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kiwistack.db.testsupport.JsonHttpClient;
import tools.jackson.core.type.TypeReference;

/**
 * A real HTTP client for a running Kiwi Work on 127.0.0.1, speaking JSON: Kiwi Work's calls over
 * the shared {@link JsonHttpClient}.
 */
final class KiwiWorkClient extends JsonHttpClient {

	KiwiWorkClient(int port) {
		super(port);
	}

	/** A client that keeps the cookies Kiwi Work sets in {@code cookies}, and sends them back. */
	KiwiWorkClient(int port, CookieHandler cookies) {
		super(port, cookies);
	}

	HttpResponse<String> postTask(String title) throws IOException {
		return post("/tasks", toJson(new NewTask(title)));
	}

	Task create(String title) throws IOException {
		return task(expect(postTask(title), 201, "POST /tasks"));
	}

	Task complete(long id) throws IOException {
		return task(expect(post("/tasks/" + id + "/done", ""), 200, "POST /tasks/" + id + "/done"));
	}

	Task task(long id) throws IOException {
		return task(expect(get("/tasks/" + id), 200, "GET /tasks/" + id));
	}

	List<Task> pending() throws IOException {
		return fromJson(expect(get("/tasks"), 200, "GET /tasks"), new TypeReference<List<Task>>() {
		});
	}

	static Task task(HttpResponse<String> response) {
		return fromJson(response, Task.class);
	}

	/** The tasks' titles by id, to compare with what a test saw acknowledged or read with sqlite3. */
	static Map<Long, String> titlesById(List<Task> tasks) {
		return tasks.stream().collect(Collectors.toMap(Task::id, Task::title));
	}

}
