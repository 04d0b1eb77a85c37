package io.kiwistack.docs;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when no document has the requested id; answered with {@code 404 Not Found} and a problem
 * detail naming the id.
 */
public class DocumentNotFoundException extends ErrorResponseException {

	public DocumentNotFoundException(long id) {
		super(HttpStatus.NOT_FOUND,
				ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No document with id " + id), null);
		getBody().setTitle("Document not found");
	}

}
