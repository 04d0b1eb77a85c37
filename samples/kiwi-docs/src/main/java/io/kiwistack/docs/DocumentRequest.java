package io.kiwistack.docs;

import java.util.List;

/**
 * The body of a request to create or change a document.
 *
 * @param title the title; must not be blank
 * @param body the text; none means empty
 * @param tags the tags; none means no tags
 * @param version on a change, the version the client last read, so that a change made meanwhile by
 * someone else is not overwritten; none means the current version
 */
public record DocumentRequest(String title, String body, List<String> tags, Long version) {
}
