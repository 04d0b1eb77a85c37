package io.kiwistack.work;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Thrown when no task has the requested id; answered with {@code 404 Not Found}.
 */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class TaskNotFoundException extends RuntimeException {

	public TaskNotFoundException(long id) {
		super("No task with id " + id);
	}

}
