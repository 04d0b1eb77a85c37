package io.kiwistack.work;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The body of a request to create a task.
 *
 * @param title what is to be done; must not be blank, at most 4,000 characters: a pasted paragraph
 * fits, and every {@code GET /tasks}, which returns all pending titles, stays bounded (Kiwi Work's
 * disk-full and replication drills fill disks with titles of a few thousand characters)
 */
public record NewTask(@NotBlank @Size(max = 4000, message = "must be at most {max} characters") String title) {
}
