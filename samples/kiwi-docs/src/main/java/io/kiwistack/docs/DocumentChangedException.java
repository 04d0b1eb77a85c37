package io.kiwistack.docs;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * Thrown when a change names a version of the document that is not the current one; answered with
 * {@code 409 Conflict} and a problem detail whose {@code currentVersion} is the version to read the
 * document at and redo the change on.
 */
public class DocumentChangedException extends ErrorResponseException {

	public DocumentChangedException(long id, long sentVersion, long currentVersion) {
		super(HttpStatus.CONFLICT, problem(id, sentVersion, currentVersion), null);
	}

	private static ProblemDetail problem(long id, long sentVersion, long currentVersion) {
		String detail = "Document %d is at version %d, not %d as sent: it changed since it was read. "
				+ "Read it again, redo the change and send version %d.";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				detail.formatted(id, currentVersion, sentVersion, currentVersion));
		problem.setTitle("Document changed");
		problem.setProperty("currentVersion", currentVersion);
		return problem;
	}

}
