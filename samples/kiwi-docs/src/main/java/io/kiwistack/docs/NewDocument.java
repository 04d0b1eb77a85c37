package io.kiwistack.docs;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The body of a request to create a document. The limits keep every write short: the single
 * writer connection serves one write at a time, and each one copies title, body and tags into the
 * full-text index. They are checked once Jackson has read the whole body, so they bound what is
 * stored, not what is received: a limit on request size belongs in front of the service (a
 * proxy's body limit), since Tomcat's {@code max-http-form-post-size} covers forms, not JSON.
 *
 * @param title the title; must not be blank, at most 200 characters, a line in a list
 * @param body the text, at most 100,000 characters (some 50 pages); none means empty
 * @param tags at most 20 tags of at most 50 characters each; none means no tags
 */
public record NewDocument(@NotBlank @Size(max = MAX_TITLE, message = CHARACTERS) String title,
		@Size(max = MAX_BODY, message = CHARACTERS) String body,
		@Size(max = MAX_TAGS, message = "must be at most {max} tags")
		List<@Size(max = MAX_TAG, message = CHARACTERS) String> tags) {

	static final int MAX_TITLE = 200;

	static final int MAX_BODY = 100_000;

	static final int MAX_TAGS = 20;

	static final int MAX_TAG = 50;

	static final String CHARACTERS = "must be at most {max} characters";

}
