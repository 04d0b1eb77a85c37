package io.kiwistack.docs;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A document as stored: a Spring Data JDBC aggregate of one row.
 *
 * @param id the document's id, assigned by the database
 * @param title the title
 * @param body the text
 * @param tags the tags, lower case, separated by single spaces
 * @param updatedAt when the document was created or last changed (UTC)
 * @param version the optimistic-locking version, raised by every update
 */
@Table("documents")
public record Document(@Id Long id, String title, String body, String tags, Instant updatedAt, @Version Long version) {

}
