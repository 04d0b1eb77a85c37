package io.kiwistack.docs;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A document as the API returns it.
 *
 * @param id the document's id
 * @param title the title
 * @param body the text
 * @param tags the tags, lower case
 * @param updatedAt when the document was created or last changed (UTC)
 * @param version the version to send back with a change
 */
public record DocumentView(long id, String title, String body, List<String> tags, Instant updatedAt, long version) {

	static DocumentView of(Document document) {
		List<String> tags = document.tags().isEmpty() ? List.of() : Arrays.asList(document.tags().split(" "));
		return new DocumentView(document.id(), document.title(), document.body(), tags, document.updatedAt(),
				document.version());
	}

}
