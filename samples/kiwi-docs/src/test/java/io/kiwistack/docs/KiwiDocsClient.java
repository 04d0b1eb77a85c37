package io.kiwistack.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client for a running Kiwi Docs on 127.0.0.1, speaking JSON.
 */
final class KiwiDocsClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final URI base;

	KiwiDocsClient(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	HttpResponse<String> get(String path) throws IOException {
		return send(request(path).GET().build());
	}

	HttpResponse<String> post(String path, Object body) throws IOException {
		return send(request(path).header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json.writeValueAsString(body)))
			.build());
	}

	HttpResponse<String> put(String path, Object body) throws IOException {
		return send(request(path).header("Content-Type", "application/json")
			.PUT(BodyPublishers.ofString(json.writeValueAsString(body)))
			.build());
	}

	HttpResponse<String> delete(String path) throws IOException {
		return send(request(path).DELETE().build());
	}

	DocumentView create(String title, String body, String... tags) throws IOException {
		HttpResponse<String> response = post("/documents", new DocumentRequest(title, body, List.of(tags), null));
		assertThat(response.statusCode()).as("POST /documents %s", response.body()).isEqualTo(201);
		return document(response);
	}

	DocumentView update(long id, DocumentRequest request) throws IOException {
		HttpResponse<String> response = put("/documents/" + id, request);
		assertThat(response.statusCode()).as("PUT /documents/%d %s", id, response.body()).isEqualTo(200);
		return document(response);
	}

	DocumentView document(long id) throws IOException {
		HttpResponse<String> response = get("/documents/" + id);
		assertThat(response.statusCode()).as("GET /documents/%d %s", id, response.body()).isEqualTo(200);
		return document(response);
	}

	List<DocumentView> recent() throws IOException {
		HttpResponse<String> response = get("/documents");
		assertThat(response.statusCode()).as("GET /documents %s", response.body()).isEqualTo(200);
		return json.readValue(response.body(), new TypeReference<List<DocumentView>>() {
		});
	}

	HttpResponse<String> searchResponse(String text) throws IOException {
		return get("/documents/search?q=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
	}

	List<SearchHit> search(String text) throws IOException {
		HttpResponse<String> response = searchResponse(text);
		assertThat(response.statusCode()).as("search %s: %s", text, response.body()).isEqualTo(200);
		return json.readValue(response.body(), new TypeReference<List<SearchHit>>() {
		});
	}

	JsonNode health() throws IOException {
		return json.readTree(get("/actuator/health").body());
	}

	static DocumentView document(HttpResponse<String> response) {
		return json.readValue(response.body(), DocumentView.class);
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
