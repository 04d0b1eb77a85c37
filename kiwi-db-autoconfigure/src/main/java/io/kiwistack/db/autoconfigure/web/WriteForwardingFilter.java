package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.Position;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * On a read replica, sends each write request ({@link ForwardedRequests}) to the primary the claim
 * names, as a proxy would: same method, path, query, headers (the client's {@code Authorization}
 * and cookies included) and body, with {@code X-Forwarded-*} set, and gives the client the
 * primary's status, headers and body unchanged. The primary runs its whole filter chain on it, its
 * security included. When the primary answers with the position of the commit, the replica answers
 * only once it has applied it (up to {@code read-your-writes-timeout}; the write is done either
 * way, so the primary's answer goes out regardless), so the client reads its write here at once.
 * <p>
 * A request is forwarded once: one that already carries {@code Kiwi-Db-Forwarded} gets {@code 503}.
 * Without a known or reachable primary the answer is {@code 503} with {@code Retry-After} and
 * nothing was written; a request that reached the primary but got no answer is {@code 504} or
 * {@code 502}, saying that its outcome is unknown.
 */
final class WriteForwardingFilter extends HttpFilter {

	private static final Log logger = LogFactory.getLog(WriteForwardingFilter.class);

	/** How long connecting to the primary may take: a stopped or unreachable one answers 503 in about that. */
	static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1500);

	/**
	 * Never copied either way: hop-by-hop headers, those the JDK client sets itself or refuses, and
	 * the forwarding headers this filter writes.
	 */
	private static final Set<String> NOT_COPIED = Set.of("connection", "content-length", "expect", "host", "upgrade",
			"keep-alive", "transfer-encoding", "te", "trailer", "trailers", "x-forwarded-for",
			PeerProtocol.FORWARDED_HEADER.toLowerCase(Locale.ROOT));

	private static final Set<String> NOT_COPIED_BACK = Set.of("connection", "content-length", "keep-alive",
			"transfer-encoding", "te", "trailer", "trailers", "upgrade");

	private final transient Supplier<KiwiDbReplicator> replicator;

	private final transient ForwardedRequests forwarded;

	private final Duration forwardTimeout;

	private final Duration readYourWritesTimeout;

	private final String forwardedBy;

	private final transient ClusterMetrics metrics;

	private final transient ExecutorService executor;

	private final transient HttpClient http;

	/**
	 * @param forwardedBy what the loop guard header says: this node, never a secret
	 */
	WriteForwardingFilter(Supplier<KiwiDbReplicator> replicator, ForwardedRequests forwarded, Duration forwardTimeout,
			Duration readYourWritesTimeout, String forwardedBy, ClusterMetrics metrics) {
		this.replicator = replicator;
		this.forwarded = forwarded;
		this.forwardTimeout = forwardTimeout;
		this.readYourWritesTimeout = readYourWritesTimeout;
		this.forwardedBy = forwardedBy;
		this.metrics = metrics;
		this.executor = Executors.newCachedThreadPool(new ForwardingThreads());
		// Built, and its selector thread started, under this class's loader: the web application's
		// loader, current while the server starts its filters, would have Tomcat report the client's
		// threads as leaks when it stops.
		Thread thread = Thread.currentThread();
		ClassLoader before = thread.getContextClassLoader();
		thread.setContextClassLoader(WriteForwardingFilter.class.getClassLoader());
		try {
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(CONNECT_TIMEOUT)
				.followRedirects(HttpClient.Redirect.NEVER)
				.executor(this.executor)
				.build();
		}
		finally {
			thread.setContextClassLoader(before);
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdown();
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		KiwiDbReplicator replicator = this.replicator.get();
		// Asked on each request: the node's role is the replicator's to say.
		if (replicator.takesWrites() || !this.forwarded.forwards(request)) {
			chain.doFilter(request, response);
			return;
		}
		long start = System.nanoTime();
		if (request.getHeader(PeerProtocol.FORWARDED_HEADER) != null) {
			answer(response, start, "loop", 503, true, "This node is not the primary of " + replicator.replica()
					+ " either: the request was forwarded here by another node (it carries " + PeerProtocol.FORWARDED_HEADER
					+ "), and a request is forwarded at most once. The claim will name the new primary shortly; retry then.");
			return;
		}
		Optional<String> primary = replicator.primaryUrl();
		if (primary.isEmpty()) {
			answer(response, start, "no-primary", 503, true, "No primary is known for " + replicator.replica()
					+ ": no node holds its claim, or the primary published no kiwi.db.replication.advertise-url. This node "
					+ "is a read replica and takes no writes itself; nothing was written. Retry shortly.");
			return;
		}
		HttpRequest outgoing;
		try {
			outgoing = outgoing(request, primary.get());
		}
		catch (IllegalArgumentException ex) {
			answer(response, start, "failed", 400, false, "This read replica can't forward the request to the primary: "
					+ ex.getMessage() + ". Nothing was written.");
			return;
		}
		HttpResponse<byte[]> answer;
		try {
			answer = this.http.send(outgoing, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (HttpConnectTimeoutException | ConnectException ex) {
			answer(response, start, "unreachable", 503, true, "The primary of " + replicator.replica() + " at "
					+ primary.get() + " can't be reached (" + ex.getClass().getSimpleName() + "); the request was not "
					+ "sent, and nothing was written. Retry shortly.");
			return;
		}
		catch (HttpTimeoutException ex) {
			answer(response, start, "timeout", 504, false, "The primary of " + replicator.replica() + " at "
					+ primary.get() + " did not answer within kiwi.db.replication.forward-timeout ("
					+ this.forwardTimeout.toMillis() + " ms): the request reached it, and whether it was carried out "
					+ "is unknown. Check before repeating a write that must not happen twice.");
			return;
		}
		catch (IOException ex) {
			answer(response, start, "failed", 502, false, "The connection to the primary of " + replicator.replica()
					+ " at " + primary.get() + " failed (" + ex.getMessage() + "): whether the request was carried out "
					+ "is unknown. Check before repeating a write that must not happen twice.");
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			answer(response, start, "failed", 503, true, "This node is stopping; whether the request was carried out "
					+ "by the primary is unknown.");
			return;
		}
		awaitCommit(replicator, answer);
		// Counted before the client has the answer, so that whoever it tells finds it counted.
		this.metrics.forwarded("forwarded", answer.statusCode(), System.nanoTime() - start);
		copy(answer, response);
	}

	private HttpRequest outgoing(HttpServletRequest request, String primary) throws IOException {
		// The advertise URL is the service's base URL, its context path included.
		String path = request.getRequestURI().substring(request.getContextPath().length());
		String query = (request.getQueryString() != null) ? "?" + request.getQueryString() : "";
		byte[] body = request.getInputStream().readAllBytes();
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(primary + path + query))
			.timeout(this.forwardTimeout)
			.method(request.getMethod(),
					(body.length == 0) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		Set<String> connectionTokens = connectionTokens(request);
		for (String name : Collections.list(request.getHeaderNames())) {
			String lowerCase = name.toLowerCase(Locale.ROOT);
			if (NOT_COPIED.contains(lowerCase) || lowerCase.startsWith("proxy-") || connectionTokens.contains(lowerCase)) {
				continue;
			}
			for (String value : Collections.list(request.getHeaders(name))) {
				builder.header(name, value);
			}
		}
		String forwardedFor = request.getHeader("X-Forwarded-For");
		builder.header("X-Forwarded-For",
				((forwardedFor != null) ? forwardedFor + ", " : "") + request.getRemoteAddr());
		// A proxy in front of this node may have said these already; they describe the client's request.
		setIfAbsent(builder, request, "X-Forwarded-Proto", request.getScheme());
		setIfAbsent(builder, request, "X-Forwarded-Host",
				(request.getHeader("Host") != null) ? request.getHeader("Host") : request.getServerName());
		setIfAbsent(builder, request, "X-Forwarded-Port", Integer.toString(request.getServerPort()));
		builder.header(PeerProtocol.FORWARDED_HEADER, this.forwardedBy);
		return builder.build();
	}

	/** Daemon threads of this class's loader for the HTTP client's work, named for thread dumps. */
	private static final class ForwardingThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "kiwi-db-forward-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			thread.setContextClassLoader(WriteForwardingFilter.class.getClassLoader());
			return thread;
		}

	}

	private static void setIfAbsent(HttpRequest.Builder builder, HttpServletRequest request, String name, String value) {
		if (request.getHeader(name) == null) {
			builder.header(name, value);
		}
	}

	/** The headers a request's {@code Connection} header names: hop-by-hop too. */
	private static Set<String> connectionTokens(HttpServletRequest request) {
		Set<String> tokens = new HashSet<>();
		for (String value : Collections.list(request.getHeaders("Connection"))) {
			for (String token : value.split(",")) {
				tokens.add(token.strip().toLowerCase(Locale.ROOT));
			}
		}
		return tokens;
	}

	/** Wait until this node holds the commit the primary made for the request, so the client reads it back here. */
	private void awaitCommit(KiwiDbReplicator replicator, HttpResponse<byte[]> answer) {
		Optional<String> header = answer.headers().firstValue(PeerProtocol.POSITION_HEADER);
		if (header.isEmpty()) {
			return;
		}
		Position position;
		try {
			position = Position.parse(header.get());
		}
		catch (IllegalArgumentException ex) {
			return;
		}
		long start = System.nanoTime();
		boolean reached;
		try {
			reached = replicator.awaitPosition(position, this.readYourWritesTimeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			reached = false;
		}
		this.metrics.readYourWritesWait(reached ? "reached" : "timeout", System.nanoTime() - start);
		if (!reached && logger.isDebugEnabled()) {
			// The write is done: the client gets the primary's answer, and its cookie makes its next read wait.
			logger.debug("Forwarded write committed at " + position + ", not applied here within "
					+ this.readYourWritesTimeout + "; answering anyway");
		}
	}

	private static void copy(HttpResponse<byte[]> answer, HttpServletResponse response) throws IOException {
		response.setStatus(answer.statusCode());
		for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
			String name = header.getKey();
			if (name.startsWith(":") || NOT_COPIED_BACK.contains(name.toLowerCase(Locale.ROOT))) {
				continue;
			}
			for (String value : header.getValue()) {
				response.addHeader(name, value);
			}
		}
		byte[] body = answer.body();
		if (body.length > 0) {
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}
	}

	private void answer(HttpServletResponse response, long start, String outcome, int status, boolean retryShortly,
			String message) throws IOException {
		this.metrics.forwarded(outcome, status, System.nanoTime() - start);
		PlainAnswer.send(response, status, retryShortly, message);
	}

}
