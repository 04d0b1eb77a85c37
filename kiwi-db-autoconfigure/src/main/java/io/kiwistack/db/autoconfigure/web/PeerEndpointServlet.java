package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.util.function.Supplier;

import io.kiwistack.db.replication.PeerEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Maps {@code /kiwi-db/*} to a servlet: a servlet container runs filters only for a request it
 * maps to one, and an application without a servlet at {@code /} (Jersey under {@code /api}, say)
 * would answer peers 404 before {@link PeerEndpointFilter} saw them. The filter answers first; this
 * servlet answers alike, signature check included, should a request reach it all the same.
 */
final class PeerEndpointServlet extends HttpServlet {

	private final transient Supplier<PeerEndpoint> endpoint;

	PeerEndpointServlet(Supplier<PeerEndpoint> endpoint) {
		this.endpoint = endpoint;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		PeerEndpointFilter.answer(this.endpoint.get(), request, response);
	}

}
