package io.kiwistack.db.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real HTTP client for a service running on 127.0.0.1, speaking JSON: what the samples'
 * end-to-end tests and drills share. A sample's client extends it with its own API's calls.
 * <p>
 * Every request times out after 5 s and a connection attempt after 2 s, so that a drill polling
 * a service it just killed or froze gets an {@link IOException} soon instead of hanging. HTTP/1.1
 * only: the JDK client would otherwise try an upgrade to HTTP/2 on every new connection.
 * <p>
 * Needs Jackson 3 ({@code tools.jackson.core:jackson-databind}) on the test class path, which
 * this module does not bring: a Spring Boot web application has it already.
 */
public class JsonHttpClient {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http;

	private final URI base;

	/** A client for the service listening on {@code 127.0.0.1:port}. */
	public JsonHttpClient(int port) {
		this(port, null);
	}

	/**
	 * A client for the service listening on {@code 127.0.0.1:port} that keeps the cookies the
	 * service sets in {@code cookies} and sends them back, as a browser does.
	 * @param cookies the cookie jar, such as a {@link java.net.CookieManager}; {@code null} for none
	 */
	public JsonHttpClient(int port, CookieHandler cookies) {
		HttpClient.Builder http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2));
		if (cookies != null) {
			http.cookieHandler(cookies);
		}
		this.http = http.build();
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	/** {@code GET} of {@code path}, such as {@code /tasks/1}. */
	public HttpResponse<String> get(String path) throws IOException {
		return send(request(path).GET().build());
	}

	/** {@code GET} of {@code path} with more request headers, such as {@code Authorization}. */
	public HttpResponse<String> get(String path, Map<String, String> headers) throws IOException {
		HttpRequest.Builder request = request(path).GET();
		headers.forEach(request::header);
		return send(request.build());
	}

	/** {@code GET} of an absolute URI, such as a {@code Location} the service answered with. */
	public HttpResponse<String> get(URI uri) throws IOException {
		return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build());
	}

	/** {@code POST} of a JSON body, sent as it is. */
	public HttpResponse<String> post(String path, String json) throws IOException {
		return send(request(path).header("Content-Type", "application/json")
			.POST(BodyPublishers.ofString(json))
			.build());
	}

	/** {@code PUT} of a JSON body, sent as it is. */
	public HttpResponse<String> put(String path, String json) throws IOException {
		return send(request(path).header("Content-Type", "application/json")
			.PUT(BodyPublishers.ofString(json))
			.build());
	}

	/** The base URI of the service, {@code http://127.0.0.1:<port>}. */
	public URI base() {
		return this.base;
	}

	/** {@code DELETE} of {@code path}. */
	public HttpResponse<String> delete(String path) throws IOException {
		return send(request(path).DELETE().build());
	}

	/** The actuator's health report, {@code GET /actuator/health}, whatever its status code. */
	public JsonNode health() throws IOException {
		return json.readTree(get("/actuator/health").body());
	}

	/**
	 * Fails the test unless {@code response} has status {@code status}; the failure names the
	 * request and shows the body, which says why.
	 * @param request what was asked, such as {@code POST /tasks}
	 * @return {@code response}
	 */
	public static HttpResponse<String> expect(HttpResponse<String> response, int status, String request) {
		assertThat(response.statusCode()).as("%s %s", request, response.body()).isEqualTo(status);
		return response;
	}

	/**
	 * Fails the test unless {@code response} is an RFC 9457 problem detail with status
	 * {@code status}: that status code, content type {@code application/problem+json}, and a body
	 * whose {@code status} repeats it and whose {@code title} and {@code detail} are not blank.
	 * @param request what was asked, such as {@code POST /tasks}
	 * @return the problem detail
	 */
	public static JsonNode expectProblem(HttpResponse<String> response, int status, String request) {
		expect(response, status, request);
		assertThat(response.headers().firstValue("Content-Type")).as("%s %s", request, response.body())
			.hasValue("application/problem+json");
		JsonNode problem = json.readTree(response.body());
		assertThat(problem.path("status").asInt()).as("%s %s", request, problem).isEqualTo(status);
		assertThat(problem.path("title").asString()).as("%s %s", request, problem).isNotBlank();
		assertThat(problem.path("detail").asString()).as("%s %s", request, problem).isNotBlank();
		return problem;
	}

	/** {@code value} as JSON. */
	public static String toJson(Object value) {
		return json.writeValueAsString(value);
	}

	/** A response's body read as {@code type}. */
	public static <T> T fromJson(HttpResponse<String> response, Class<T> type) {
		return json.readValue(response.body(), type);
	}

	/** A response's body read as {@code type}, such as a list of records. */
	public static <T> T fromJson(HttpResponse<String> response, TypeReference<T> type) {
		return json.readValue(response.body(), type);
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
