package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;

import io.kiwistack.db.WriteFence;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers {@code 503} with {@code Retry-After} a request that failed because this node's
 * {@linkplain WriteFence write fence} refused its write: a primary that can't renew its claim on
 * the replica, or that lost it. Nothing was written, and the same request succeeds shortly: here
 * once the claim is renewed, or through the next primary. Left to the application, the refusal
 * would be a {@code 500}, which a client or a load balancer takes for a bug rather than a node to
 * try again. Any other failure, a commit that ran but could not be acknowledged among them (a
 * retry would do its work twice), passes through as it is; so does one the application handled.
 */
final class WriteRefusalFilter extends HttpFilter {

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			WriteFence.Refusal refusal = WriteFence.Refusal.in(ex);
			if (refusal == null || response.isCommitted()) {
				throw ex;
			}
			PlainAnswer.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, true,
					refusal.getMessage() + ". Nothing was written; try again shortly.");
		}
	}

}
