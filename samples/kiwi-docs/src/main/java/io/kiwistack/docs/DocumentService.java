package io.kiwistack.docs;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The document use cases, each one transaction. Reads are read-only transactions, which kiwi-db
 * serves from a reader connection while the single writer is busy.
 */
@Service
public class DocumentService {

	private static final Sort MOST_RECENT_FIRST = Sort.by(Sort.Order.desc("updatedAt"), Sort.Order.desc("id"));

	private final DocumentRepository documents;

	private final DocumentSearch search;

	public DocumentService(DocumentRepository documents, DocumentSearch search) {
		this.documents = documents;
		this.search = search;
	}

	@Transactional
	public Document create(NewDocument request) {
		return this.documents.save(new Document(null, request.title().trim(),
				Objects.requireNonNullElse(request.body(), ""), tags(request.tags()), Instant.now(), null));
	}

	@Transactional(readOnly = true)
	public Document get(long id) {
		return this.documents.findById(id).orElseThrow(() -> new DocumentNotFoundException(id));
	}

	@Transactional(readOnly = true)
	public List<Document> recent(int page, int size) {
		return this.documents.findAll(PageRequest.of(page, size, MOST_RECENT_FIRST)).getContent();
	}

	/**
	 * Replaces a document's title, body and tags, if the change was made on its current version.
	 * Spring Data's update is conditional on that version too; checking it here first lets the
	 * conflict say which version is current.
	 * @param id the document's id
	 * @param change the new content, with the version the client last read
	 * @return the changed document
	 * @throws DocumentNotFoundException if there is no such document
	 * @throws DocumentChangedException if the document is at another version
	 */
	@Transactional
	public Document update(long id, DocumentChange change) {
		Document current = get(id);
		if (!current.version().equals(change.version())) {
			throw new DocumentChangedException(id, change.version(), current.version());
		}
		return this.documents.save(new Document(id, change.title().trim(),
				Objects.requireNonNullElse(change.body(), ""), tags(change.tags()), Instant.now(), current.version()));
	}

	@Transactional
	public void delete(long id) {
		if (!this.documents.existsById(id)) {
			throw new DocumentNotFoundException(id);
		}
		this.documents.deleteById(id);
	}

	@Transactional(readOnly = true)
	public List<SearchHit> search(String text, int limit) {
		return this.search.search(text, limit);
	}

	private static String tags(List<String> tags) {
		if (tags == null) {
			return "";
		}
		LinkedHashSet<String> normalized = new LinkedHashSet<>();
		for (String tag : tags) {
			if (tag != null && !tag.isBlank()) {
				normalized.add(tag.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", "-"));
			}
		}
		return String.join(" ", normalized);
	}

}
