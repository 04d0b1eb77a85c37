package io.kiwistack.work;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.exc.MismatchedInputException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The API's errors as RFC 9457 problem details ({@code application/problem+json}). Spring MVC's
 * own exceptions and every {@code ErrorResponseException}, such as
 * {@link TaskNotFoundException}, are answered as {@link ResponseEntityExceptionHandler} does.
 * A body that fails validation, or is not JSON of the right shape, says which field and why: in
 * {@code detail}, and as an {@code errors} list of {@code {"field", "message"}}. Being a
 * {@code ResponseEntityExceptionHandler}, it takes the place of the one that
 * {@code spring.mvc.problemdetails.enabled} adds, which says only "Invalid request content." or
 * "Failed to read request".
 */
@RestControllerAdvice
class ApiProblemHandler extends ResponseEntityExceptionHandler {

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<InvalidField> errors = ex.getFieldErrors()
			.stream()
			.map((error) -> new InvalidField(error.getField(), error.getDefaultMessage()))
			.sorted(Comparator.comparing(InvalidField::field))
			.toList();
		return handleExceptionInternal(ex, invalid(status, errors), headers, status, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem;
		if (ex.getCause() instanceof MismatchedInputException mismatch) {
			String expected = "must be " + expected(mismatch.getTargetType());
			problem = mismatch.getPath().isEmpty() ? ProblemDetail.forStatusAndDetail(status, "The body " + expected)
					: invalid(status, List.of(new InvalidField(path(mismatch), expected)));
		}
		else if (ex.getCause() instanceof JacksonException json) {
			TokenStreamLocation where = json.getLocation();
			String at = (where != null) ? " at line %d, column %d".formatted(where.getLineNr(), where.getColumnNr())
					: "";
			problem = ProblemDetail.forStatusAndDetail(status,
					"The body is not valid JSON" + at + ": " + json.getOriginalMessage());
		}
		else {
			problem = ProblemDetail.forStatusAndDetail(status, "The request needs a JSON body");
		}
		return handleExceptionInternal(ex, problem, headers, status, request);
	}

	private static ProblemDetail invalid(HttpStatusCode status, List<InvalidField> errors) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, errors.stream()
			.map((error) -> error.field() + ": " + error.message())
			.collect(Collectors.joining("; ")));
		problem.setTitle("Invalid request content");
		problem.setProperty("errors", errors);
		return problem;
	}

	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "of another JSON type";
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "true or false";
		}
		if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
			return "a number";
		}
		if (type.isArray() || Iterable.class.isAssignableFrom(type)) {
			return "an array";
		}
		return "an object";
	}

	/**
	 * One entry of a problem's {@code errors}.
	 *
	 * @param field the field, such as {@code title} or {@code tags[2]}
	 * @param message what is wrong with it
	 */
	record InvalidField(String field, String message) {
	}

}
