package io.kiwistack.db.replication;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A follower's side of {@link PeerProtocol#LOG_PATH}: it asks the primary the claim names for the
 * transactions past a position, signed with the shared secret, and accepts an answer, and each part
 * of a streamed one, only when it is signed by that same node for that same request. It also opens
 * the {@link AcknowledgementChannel} that tells that primary how far it applied a stream.
 * <p>
 * Plain blocking {@link HttpURLConnection}s, one request at a time per follower, kept alive
 * between requests: each part is read on the following thread as it arrives, with no hand-over
 * between threads on the way, which a primary whose committers wait for this follower feels in
 * every commit.
 */
final class LogStreamClient {

	/** How long connecting to the primary may take before the follower reads storage instead. */
	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

	/** How long a read may wait past the wait asked for before the primary counts as gone. */
	private static final Duration READ_GRACE = Duration.ofSeconds(5);

	private final PeerSecret secret;

	private final Clock clock;

	LogStreamClient(PeerSecret secret) {
		this(secret, Clock.systemUTC());
	}

	LogStreamClient(PeerSecret secret, Clock clock) {
		this.secret = secret;
		this.clock = clock;
	}

	/**
	 * Ask {@code primary} for what follows {@code from}, waiting up to {@code wait} for it, and hand
	 * each answer to {@code answers} as it arrives: one, or the parts of a stream, in order, each
	 * beginning where the one before ended.
	 * @throws PeerRefusedException when the primary refuses this node's secret
	 * @throws UntrustedAnswerException when an answer is not signed by the claim's holder
	 * @throws IOException when the primary can't be reached, answers anything else, or the stream
	 * breaks off inside a part
	 * @throws Exception what {@code answers} throws, which ends the stream
	 */
	void stream(PrimaryClaimView primary, Position from, Duration wait, Answers answers) throws Exception {
		String target = PeerProtocol.LOG_PATH + "?from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8)
				+ "&wait=" + wait.toMillis();
		String authorization = this.secret.authorization("GET", target, this.clock.millis());
		HttpURLConnection connection = open(primary, target, authorization, wait.plus(READ_GRACE));
		boolean whole = false;
		try {
			int status = connection.getResponseCode();
			refusedOrFailed(primary, status, 200, 204, 409);
			String node = connection.getHeaderField(PeerProtocol.NODE_HEADER);
			if (!primary.node().equals(node)) {
				throw new UntrustedAnswerException("The node at " + primary.advertiseUrl() + " is " + node + ", not "
						+ primary.node() + " that holds the primary's claim: not following it");
			}
			if (status == 200) {
				whole = readParts(primary, connection, authorization, node, answers);
			}
			else {
				answers.take(single(primary, connection, status, authorization, node), false);
				whole = true;
			}
		}
		finally {
			if (!whole) {
				// Left inside an answer: the connection can't carry the next request.
				connection.disconnect();
			}
		}
	}

	/** @return whether the stream was read to its end */
	private boolean readParts(PrimaryClaimView primary, HttpURLConnection connection, String authorization,
			String node, Answers answers) throws Exception {
		if (!StreamPart.CONTENT_TYPE.equals(connection.getContentType())) {
			throw new IOException("The primary at " + primary.advertiseUrl() + " answered " + connection.getContentType()
					+ ", not a stream of its log");
		}
		// The JDK's chunked body stream answers available() by reading ahead into buffers it grows
		// for the purpose (in a commit-ack run, more than half of all the JVM allocated, and a young
		// collection every 0.2 s); what is buffered here is enough to tell that more arrived.
		InputStream body = new FilterInputStream(connection.getInputStream()) {
			@Override
			public int available() {
				return 0;
			}
		};
		DataInputStream in = new DataInputStream(new BufferedInputStream(body, 64 * 1024));
		for (long sequence = 0;; sequence++) {
			StreamPart.Signed signed = StreamPart.readFrom(in);
			if (signed == null) {
				in.close();
				return true;
			}
			StreamPart part = signed.part();
			if (!this.secret.signedResponse(signed.signature(), authorization, node, part.signedFields(sequence),
					part.body())) {
				throw new UntrustedAnswerException("Part " + sequence + " of the stream from " + primary.advertiseUrl()
						+ " is not signed with this node's kiwi.db.replication.peer-secret: not following it");
			}
			Answer answer = switch (part.status()) {
				case 200 -> new Answer.Frames(part.start(), part.next(), part.body(), part.end(), part.acknowledge());
				case 204 -> new Answer.NothingNew(part.end());
				case 409 -> new Answer.NotLive(new String(part.body(), StandardCharsets.UTF_8), part.end());
				default -> throw new IOException("The primary at " + primary.advertiseUrl() + " streamed a part with status "
						+ part.status());
			};
			// Parts already here are applied before this one is acknowledged: one acknowledgement for all.
			if (!answers.take(answer, in.available() > 0)) {
				return false;
			}
			if (part.status() != 200) {
				// The last part: the stream ends here, and the connection is free for the next request.
				if (in.read() >= 0) {
					throw new IOException("The primary at " + primary.advertiseUrl() + " streamed on past a closing part");
				}
				in.close();
				return true;
			}
		}
	}

	private Answer single(PrimaryClaimView primary, HttpURLConnection connection, int status, String authorization,
			String node) throws IOException {
		Map<String, String> headers = new LinkedHashMap<>();
		for (String name : new String[] { PeerProtocol.START_HEADER, PeerProtocol.NEXT_HEADER, PeerProtocol.END_HEADER }) {
			String value = connection.getHeaderField(name);
			if (value != null) {
				headers.put(name, value);
			}
		}
		byte[] body = body(connection, status);
		boolean signed = this.secret.signedResponse(connection.getHeaderField(PeerProtocol.SIGNATURE_HEADER),
				authorization, node, PeerEndpoint.signedFields(status, headers), body);
		if (!signed) {
			throw new UntrustedAnswerException("The answer from " + primary.advertiseUrl() + " (" + status + ") is not "
					+ "signed with this node's kiwi.db.replication.peer-secret: not following it");
		}
		Position end = position(headers.get(PeerProtocol.END_HEADER));
		return (status == 204) ? new Answer.NothingNew(end)
				: new Answer.NotLive(new String(body, StandardCharsets.UTF_8), end);
	}

	/**
	 * A channel to tell {@code primary} how far this follower applied its stream, opened when the
	 * first line is written.
	 */
	AcknowledgementChannel acknowledgements(PrimaryClaimView primary) throws IOException {
		String authorization = this.secret.authorization("POST", PeerProtocol.ACK_PATH, this.clock.millis());
		HttpURLConnection connection = open(primary, PeerProtocol.ACK_PATH, authorization, READ_GRACE);
		connection.setRequestMethod("POST");
		connection.setDoOutput(true);
		connection.setChunkedStreamingMode(256);
		connection.setRequestProperty("Content-Type", "text/plain;charset=US-ASCII");
		return new AcknowledgementChannel(connection, authorization, this.secret);
	}

	private static HttpURLConnection open(PrimaryClaimView primary, String target, String authorization,
			Duration readTimeout) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) URI.create(primary.advertiseUrl() + target)
			.toURL()
			.openConnection(Proxy.NO_PROXY);
		connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
		connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
		connection.setInstanceFollowRedirects(false);
		connection.setUseCaches(false);
		connection.setRequestProperty("Authorization", authorization);
		return connection;
	}

	private static void refusedOrFailed(PrimaryClaimView primary, int status, int... expected) throws IOException {
		if (status == 401) {
			throw new PeerRefusedException("The primary at " + primary.advertiseUrl() + " refused this node's "
					+ "kiwi.db.replication.peer-secret (401): every node of the replica path must have the same one");
		}
		for (int ok : expected) {
			if (status == ok) {
				return;
			}
		}
		// An outage (or a proxy's error page): nothing to trust or distrust, storage serves meanwhile.
		throw new IOException("The primary at " + primary.advertiseUrl() + " answered " + status);
	}

	/** The whole body, read to its end so that the connection serves the next request. */
	static byte[] body(HttpURLConnection connection, int status) throws IOException {
		try (InputStream in = (status >= 400) ? connection.getErrorStream() : connection.getInputStream()) {
			return (in != null) ? in.readAllBytes() : new byte[0];
		}
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

		/** @param acknowledge whether the primary waits for this follower to acknowledge them */
		record Frames(Position start, Position next, byte[] bytes, Position end, boolean acknowledge) implements Answer {
		}

		record NothingNew(Position end) implements Answer {
		}

		record NotLive(String reason, Position end) implements Answer {
		}

	}

	/** What a follower does with each answer as it arrives. */
	@FunctionalInterface
	interface Answers {

		/**
		 * @param moreArrived whether more of the stream is here already, to be handed over next
		 * @return whether to read on
		 */
		boolean take(Answer answer, boolean moreArrived) throws Exception;

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
