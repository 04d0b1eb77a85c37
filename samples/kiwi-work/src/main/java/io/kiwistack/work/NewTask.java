package io.kiwistack.work;

/**
 * The body of a request to create a task.
 *
 * @param title what is to be done; must not be blank
 */
public record NewTask(String title) {
}
