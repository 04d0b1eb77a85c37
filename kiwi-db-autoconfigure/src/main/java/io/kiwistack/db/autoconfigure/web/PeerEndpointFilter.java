package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.util.function.Supplier;

import io.kiwistack.db.replication.PeerEndpoint;
import io.kiwistack.db.replication.PeerResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers every request under {@code /kiwi-db/} with the {@link PeerEndpoint}, which authenticates
 * the peer itself (a signature made with the shared secret, else {@code 401}). It never passes a
 * request on: the application, and its security, never see peer requests, and no path under the
 * prefix reaches the application whatever it maps. A follower's long poll, and the stream that
 * follows it, holds the request's thread for at most 10 s.
 */
final class PeerEndpointFilter extends HttpFilter {

	private final transient Supplier<PeerEndpoint> endpoint;

	PeerEndpointFilter(Supplier<PeerEndpoint> endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		answer(this.endpoint.get(), request, response);
	}

	/** Answer {@code request} with {@code endpoint}, as the filter does and the servlet behind it. */
	static void answer(PeerEndpoint endpoint, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		// The raw path within the application, as the peer signed it: a path that only decodes or
		// normalizes to one under the prefix fails the signature, and is answered 401 all the same.
		String path = request.getRequestURI().substring(request.getContextPath().length());
		PeerResponse answer;
		try {
			answer = endpoint.handle(request.getMethod(), path, request.getQueryString(),
					request.getHeader("Authorization"), request.getInputStream());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			PlainAnswer.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, true, "This node is stopping");
			return;
		}
		response.setStatus(answer.status());
		answer.headers().forEach(response::setHeader);
		if (answer.streamed() == null) {
			response.setContentLength(answer.body().length);
			response.getOutputStream().write(answer.body());
			return;
		}
		try {
			answer.streamed().writeTo(response.getOutputStream());
		}
		catch (InterruptedException ex) {
			// The node stops: the stream ends after its last whole part, and the follower asks again.
			Thread.currentThread().interrupt();
		}
	}

}
