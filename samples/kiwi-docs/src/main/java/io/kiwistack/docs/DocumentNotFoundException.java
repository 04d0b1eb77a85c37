package io.kiwistack.docs;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * Thrown when no document has the requested id; answered with {@code 404 Not Found}.
 */
@ResponseStatus(HttpStatus.NOT_FOUND)
public class DocumentNotFoundException extends RuntimeException {

	public DocumentNotFoundException(long id) {
		super("No document with id " + id);
	}

}
