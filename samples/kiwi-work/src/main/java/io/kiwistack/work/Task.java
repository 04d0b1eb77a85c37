package io.kiwistack.work;

import java.time.Instant;

/**
 * A task as stored and as returned by the API.
 *
 * @param id the task's id, assigned by the database
 * @param title what is to be done
 * @param done whether the task has been completed
 * @param createdAt when the task was created (UTC)
 */
public record Task(long id, String title, boolean done, Instant createdAt) {
}
