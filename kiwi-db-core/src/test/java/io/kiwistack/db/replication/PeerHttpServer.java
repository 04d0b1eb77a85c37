package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The JDK's HTTP server answering {@link PeerProtocol#PREFIX} with a {@link PeerEndpoint}, for
 * tests of streaming without a web framework. It listens from construction, so its URL can be
 * published before the endpoint exists.
 */
final class PeerHttpServer implements AutoCloseable {

	static {
		// As Tomcat does: without it, Nagle's algorithm and delayed acknowledgements hold small answers back 40 ms.
		System.setProperty("sun.net.httpserver.nodelay", "true");
	}

	private final HttpServer server;

	private volatile PeerEndpoint endpoint;

	PeerHttpServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(Executors.newFixedThreadPool(8));
		this.server.createContext(PeerProtocol.PREFIX, this::answer);
		this.server.start();
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	void serve(PeerEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	private void answer(HttpExchange exchange) throws IOException {
		try (exchange) {
			PeerEndpoint current = this.endpoint;
			if (current == null) {
				exchange.sendResponseHeaders(503, -1);
				return;
			}
			PeerResponse response = current.handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
					exchange.getRequestBody());
			for (Map.Entry<String, String> header : response.headers().entrySet()) {
				exchange.getResponseHeaders().set(header.getKey(), header.getValue());
			}
			if (response.streamed() != null) {
				// Length 0: chunked, each part sent as the endpoint flushes it.
				exchange.sendResponseHeaders(response.status(), 0);
				try (OutputStream body = exchange.getResponseBody()) {
					response.streamed().writeTo(body);
				}
				return;
			}
			exchange.sendResponseHeaders(response.status(), (response.body().length == 0) ? -1 : response.body().length);
			if (response.body().length > 0) {
				try (OutputStream body = exchange.getResponseBody()) {
					body.write(response.body());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
