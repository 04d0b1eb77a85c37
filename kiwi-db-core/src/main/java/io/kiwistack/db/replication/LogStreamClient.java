package io.kiwistack.db.replication;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A follower's side of {@link PeerProtocol#LOG_PATH}: it asks the primary the claim names for the
 * transactions past a position, signed with the shared secret, and accepts an answer only when it
 * is signed by that same node for that same request.
 */
final class LogStreamClient {

	/** How long connecting to the primary may take before the follower reads storage instead. */
	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	private final HttpClient http;

	private final PeerSecret secret;

	private final Clock clock;

	LogStreamClient(PeerSecret secret) {
		this(secret, Clock.systemUTC());
	}

	LogStreamClient(PeerSecret secret, Clock clock) {
		this.secret = secret;
		this.clock = clock;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * Ask {@code primary} for what follows {@code from}, waiting up to {@code wait} for it.
	 * @throws PeerRefusedException when the primary refuses this node's secret
	 * @throws UntrustedAnswerException when the answer is not signed by the claim's holder
	 * @throws IOException when the primary can't be reached, or answers anything else
	 */
	Answer fetch(PrimaryClaimView primary, Position from, Duration wait) throws IOException, InterruptedException {
		String target = PeerProtocol.LOG_PATH + "?from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
				+ "&wait=" + wait.toMillis();
		String authorization = this.secret.authorization("GET", target, this.clock.millis());
		HttpRequest request = HttpRequest.newBuilder(URI.create(primary.advertiseUrl() + target))
			.timeout(wait.plus(Duration.ofSeconds(5)))
			.header("Authorization", authorization)
			.GET()
			.build();
		HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		int status = response.statusCode();
		if (status == 401) {
			throw new PeerRefusedException("The primary at " + primary.advertiseUrl() + " refused this node's "
					+ "kiwi.db.replication.peer-secret (401): every node of the replica path must have the same one");
		}
		if (status != 200 && status != 204 && status != 409) {
			// An outage (or a proxy's error page): nothing to trust or distrust, storage serves meanwhile.
			throw new IOException("The primary at " + primary.advertiseUrl() + " answered " + status);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (String name : new String[] { PeerProtocol.START_HEADER, PeerProtocol.NEXT_HEADER, PeerProtocol.END_HEADER }) {
			response.headers().firstValue(name).ifPresent((value) -> headers.put(name, value));
		}
		String node = response.headers().firstValue(PeerProtocol.NODE_HEADER).orElse(null);
		byte[] body = response.body();
		boolean signed = this.secret.signedResponse(response.headers().firstValue(PeerProtocol.SIGNATURE_HEADER).orElse(null),
				authorization, node, PeerEndpoint.signedFields(status, headers), body);
		if (!signed) {
			throw new UntrustedAnswerException("The answer from " + primary.advertiseUrl() + " (" + status + ") is not "
					+ "signed with this node's kiwi.db.replication.peer-secret: not following it");
		}
		if (!primary.node().equals(node)) {
			throw new UntrustedAnswerException("The node at " + primary.advertiseUrl() + " is " + node + ", not "
					+ primary.node() + " that holds the primary's claim: not following it");
		}
		Position end = position(headers.get(PeerProtocol.END_HEADER));
		return switch (status) {
			case 200 -> new Answer.Frames(position(headers.get(PeerProtocol.START_HEADER)),
					position(headers.get(PeerProtocol.NEXT_HEADER)), body, end);
			case 204 -> new Answer.NothingNew(end);
			default -> new Answer.NotLive(new String(body, StandardCharsets.UTF_8), end);
		};
	}

	private static Position position(String text) throws IOException {
		if (text == null) {
			return null;
		}
		try {
			return Position.parse(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
	}

	/** What the primary answered. */
	sealed interface Answer {

		/** The primary's committed end, {@code null} when it named none. */
		Position end();

		record Frames(Position start, Position next, byte[] bytes, Position end) implements Answer {
		}

		record NothingNew(Position end) implements Answer {
		}

		record NotLive(String reason, Position end) implements Answer {
		}

	}

	/** The primary refused this node's secret. */
	static final class PeerRefusedException extends IOException {

		PeerRefusedException(String message) {
			super(message);
		}

	}

	/** An answer that did not come from the claim's holder with the shared secret. */
	static final class UntrustedAnswerException extends IOException {

		UntrustedAnswerException(String message) {
			super(message);
		}

	}

}
