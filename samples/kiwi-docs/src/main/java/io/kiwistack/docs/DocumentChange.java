package io.kiwistack.docs;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import static io.kiwistack.docs.NewDocument.CHARACTERS;
import static io.kiwistack.docs.NewDocument.MAX_BODY;
import static io.kiwistack.docs.NewDocument.MAX_TAG;
import static io.kiwistack.docs.NewDocument.MAX_TAGS;
import static io.kiwistack.docs.NewDocument.MAX_TITLE;

/**
 * The body of a request to change a document: its new content, within the limits of a
 * {@link NewDocument}, and the version the change was made on. The version is required: without it
 * a change would silently overwrite whatever someone else saved since the client read the
 * document. It travels in the body, so a missing one is a {@code 400} naming the field, like any
 * other missing field; {@code 428 Precondition Required} is for preconditions sent as headers
 * ({@code If-Match}).
 *
 * @param title the new title; must not be blank
 * @param body the new text; none means empty
 * @param tags the new tags; none means no tags
 * @param version the version the client last read; a change on any other answers
 * {@code 409 Conflict} with the current one
 */
public record DocumentChange(@NotBlank @Size(max = MAX_TITLE, message = CHARACTERS) String title,
		@Size(max = MAX_BODY, message = CHARACTERS) String body,
		@Size(max = MAX_TAGS, message = "must be at most {max} tags")
		List<@Size(max = MAX_TAG, message = CHARACTERS) String> tags,
		@NotNull(message = "is required: the version last read, so that no change made since is overwritten")
		Long version) {

}
