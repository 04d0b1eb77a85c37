package io.kiwistack.work;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client for a running Kiwi Work on 127.0.0.1, speaking JSON.
 */
final class KiwiWorkClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final URI base;

	KiwiWorkClient(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	HttpResponse<String> get(String path) throws IOException {
		return send(request(path).GET().build());
	}

	HttpResponse<String> get(URI uri) throws IOException {
		return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build());
	}

	HttpResponse<String> post(String path, String body) throws IOException {
		return send(request(path).header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(body))
			.build());
	}

	HttpResponse<String> postTask(String title) throws IOException {
		return post("/tasks", json.writeValueAsString(new NewTask(title)));
	}

	Task create(String title) throws IOException {
		HttpResponse<String> response = postTask(title);
		assertThat(response.statusCode()).as("POST /tasks %s", response.body()).isEqualTo(201);
		return task(response);
	}

	Task complete(long id) throws IOException {
		HttpResponse<String> response = post("/tasks/" + id + "/done", "");
		assertThat(response.statusCode()).as("POST /tasks/%d/done %s", id, response.body()).isEqualTo(200);
		return task(response);
	}

	Task task(long id) throws IOException {
		HttpResponse<String> response = get("/tasks/" + id);
		assertThat(response.statusCode()).as("GET /tasks/%d %s", id, response.body()).isEqualTo(200);
		return task(response);
	}

	List<Task> pending() throws IOException {
		HttpResponse<String> response = get("/tasks");
		assertThat(response.statusCode()).as("GET /tasks %s", response.body()).isEqualTo(200);
		return json.readValue(response.body(), new TypeReference<List<Task>>() {
		});
	}

	JsonNode health() throws IOException {
		return json.readTree(get("/actuator/health").body());
	}

	static Task task(HttpResponse<String> response) {
		return json.readValue(response.body(), Task.class);
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(this.base.resolve(path)).timeout(Duration.ofSeconds(5));
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException {
		try {
			return this.http.send(request, BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException(new IOException("Interrupted: " + request.uri(), ex));
		}
	}

}
