package io.kiwistack.docs;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.kiwistack.db.testsupport.JsonHttpClient;
import tools.jackson.core.type.TypeReference;

/**
 * A real HTTP client for a running Kiwi Docs on 127.0.0.1, speaking JSON: Kiwi Docs' calls over
 * the shared {@link JsonHttpClient}.
 */
final class KiwiDocsClient extends JsonHttpClient {

	KiwiDocsClient(int port) {
		super(port);
	}

	/** {@code POST} of {@code body} as JSON. */
	HttpResponse<String> post(String path, Object body) throws IOException {
		return post(path, toJson(body));
	}

	/** {@code PUT} of {@code body} as JSON. */
	HttpResponse<String> put(String path, Object body) throws IOException {
		return put(path, toJson(body));
	}

	DocumentView create(String title, String body, String... tags) throws IOException {
		return document(expect(post("/documents", new NewDocument(title, body, List.of(tags))), 201, "POST /documents"));
	}

	DocumentView update(long id, DocumentChange request) throws IOException {
		return document(expect(put("/documents/" + id, request), 200, "PUT /documents/" + id));
	}

	DocumentView document(long id) throws IOException {
		return document(expect(get("/documents/" + id), 200, "GET /documents/" + id));
	}

	List<DocumentView> recent() throws IOException {
		return fromJson(expect(get("/documents"), 200, "GET /documents"), new TypeReference<List<DocumentView>>() {
		});
	}

	HttpResponse<String> searchResponse(String text) throws IOException {
		return get("/documents/search?q=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
	}

	List<SearchHit> search(String text) throws IOException {
		HttpResponse<String> response = expect(searchResponse(text), 200, "search " + text + ":");
		return fromJson(response, new TypeReference<List<SearchHit>>() {
		});
	}

	static DocumentView document(HttpResponse<String> response) {
		return fromJson(response, DocumentView.class);
	}

}
