package io.kiwistack.work;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when no task has the requested id; answered with {@code 404 Not Found} and a problem
 * detail naming the id.
 */
public class TaskNotFoundException extends ErrorResponseException {

	public TaskNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND, ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No task with id " + id),
				null);
		getBody().setTitle("Task not found");
	}

}
