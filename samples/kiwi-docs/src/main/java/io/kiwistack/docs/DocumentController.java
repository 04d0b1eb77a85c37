package io.kiwistack.docs;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The documents API. Errors are problem details ({@code application/problem+json}, see
 * {@link ApiProblemHandler}); a {@code 400 Bad Request} names each field at fault and why.
 * <ul>
 * <li>{@code POST /documents} with {@code {"title", "body", "tags"}}: creates a document;
 * {@code 201 Created} with its {@code Location} and the document, {@code 400 Bad Request} if the
 * title is blank or a field is too long or not of its JSON type (see {@link NewDocument}).</li>
 * <li>{@code GET /documents?page=0&size=20}: the most recently changed documents first.</li>
 * <li>{@code GET /documents/{id}}: the document, or {@code 404 Not Found}.</li>
 * <li>{@code PUT /documents/{id}} with {@code {"title", "body", "tags", "version"}}: replaces the
 * content and returns the document; {@code 400 Bad Request} without {@code version} (see
 * {@link DocumentChange}), {@code 409 Conflict} with the current version if {@code version} is not
 * the current one, {@code 404 Not Found} if there is no such document.</li>
 * <li>{@code DELETE /documents/{id}}: {@code 204 No Content}, or {@code 404 Not Found}.</li>
 * <li>{@code GET /documents/search?q=...&limit=20}: the documents containing every word, best match
 * first, each with a snippet in which the matched words are marked {@code <mark>...</mark>};
 * {@code 400 Bad Request} if {@code q} is blank.</li>
 * </ul>
 */
@RestController
@RequestMapping("/documents")
public class DocumentController {

	private final DocumentService documents;

	public DocumentController(DocumentService documents) {
		this.documents = documents;
	}

	@PostMapping
	public ResponseEntity<DocumentView> create(@Valid @RequestBody NewDocument request) {
		Document document = this.documents.create(request);
		URI location = ServletUriComponentsBuilder.fromCurrentRequest()
			.path("/{id}")
			.buildAndExpand(document.id())
			.toUri();
		return ResponseEntity.created(location).body(DocumentView.of(document));
	}

	@GetMapping
	public List<DocumentView> recent(@RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "20") int size) {
		if (page < 0 || size < 1 || size > 100) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must be 0 or more, size 1 to 100");
		}
		return this.documents.recent(page, size).stream().map(DocumentView::of).toList();
	}

	@GetMapping("/{id}")
	public DocumentView get(@PathVariable long id) {
		return DocumentView.of(this.documents.get(id));
	}

	@PutMapping("/{id}")
	public DocumentView update(@PathVariable long id, @Valid @RequestBody DocumentChange request) {
		return DocumentView.of(this.documents.update(id, request));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	public void delete(@PathVariable long id) {
		this.documents.delete(id);
	}

	@GetMapping("/search")
	public List<SearchHit> search(@RequestParam(defaultValue = "") String q,
			@RequestParam(defaultValue = "20") int limit) {
		if (q.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "q must not be blank");
		}
		if (limit < 1 || limit > 100) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be 1 to 100");
		}
		return this.documents.search(q, limit);
	}

}
