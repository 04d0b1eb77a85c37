package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The answer a cluster filter gives itself when it can't let the application answer: a status and
 * a plain sentence saying why, with {@code Retry-After} when trying again shortly may work.
 */
final class PlainAnswer {

	private PlainAnswer() {
	}

	static void send(HttpServletResponse response, int status, boolean retryShortly, String message)
			throws IOException {
		byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
		response.resetBuffer();
		response.setStatus(status);
		response.setContentType("text/plain;charset=UTF-8");
		response.setHeader("Cache-Control", "no-store");
		if (retryShortly) {
			response.setHeader("Retry-After", "1");
		}
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

}
