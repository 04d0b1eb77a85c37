package io.kiwistack.db.replication;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The endpoints a node answers its peers under {@link PeerProtocol#PREFIX}, whatever serves HTTP:
 * every request must carry a valid {@link PeerSecret} signature, or gets {@code 401} whatever its
 * path. {@link PeerProtocol#LOG_PATH} streams a primary's committed transactions from a position
 * (a long poll that, once there are some, stays open and sends each further commit as it is made,
 * until the wait is over); a node that is not the primary answers {@code 409}, which sends the
 * follower to the replica in storage. Every answer, and every part of a stream, is signed with the
 * request's signature and this node's id, so a follower trusts only what the claim's holder sent.
 * {@link PeerProtocol#ACK_PATH} takes a follower's word, line by line, that it holds what it was
 * streamed, for committers that wait for a replica ({@code commit-ack: replica}).
 */
public final class PeerEndpoint {

	private static final System.Logger logger = System.getLogger(PeerEndpoint.class.getName());

	/** The longest a follower may ask the primary to hold a request open. */
	static final Duration LONGEST_WAIT = Duration.ofSeconds(10);

	/** The longest an acknowledgement waits for the replicator to move to a restarted log's index. */
	private static final Duration ACKNOWLEDGE_WAIT = Duration.ofSeconds(1);

	private final KiwiDbReplicator replicator;

	private final PeerSecret secret;

	private final Clock clock;


	public PeerEndpoint(KiwiDbReplicator replicator, PeerSecret secret) {
		this(replicator, secret, Clock.systemUTC());
	}

	PeerEndpoint(KiwiDbReplicator replicator, PeerSecret secret, Clock clock) {
		this.replicator = replicator;
		this.secret = secret;
		this.clock = clock;
	}

	/**
	 * This node stops: answer the followers' waiting requests now, and new ones without waiting,
	 * so that none holds the web server's shutdown for its long poll, and the followers look for
	 * the next primary as soon as the server stops answering. They are still served meanwhile:
	 * requests under way may wait for a follower to acknowledge their commits. Called before the
	 * web server waits for the requests under way.
	 */
	public void stop() {
		PrimaryReplication primary = primaryOf(this.replicator);
		if (primary != null) {
			primary.liveLog().stopWaiting();
		}
	}

	/**
	 * Answer a request under {@link PeerProtocol#PREFIX}.
	 * @param path the request's path, from the prefix on (no context path)
	 * @param query the raw query, {@code null} when none
	 * @param authorization the {@code Authorization} header, {@code null} when none
	 */
	public PeerResponse handle(String method, String path, String query, String authorization)
			throws InterruptedException {
		return handle(method, path, query, authorization, null);
	}

	/**
	 * Answer a request under {@link PeerProtocol#PREFIX}, reading its body as it arrives where the
	 * endpoint takes one.
	 * @param body the request's body, {@code null} when it has none
	 */
	public PeerResponse handle(String method, String path, String query, String authorization, InputStream body)
			throws InterruptedException {
		String target = (query != null) ? path + "?" + query : path;
		if (!this.secret.accepts(authorization, method, target, this.clock.millis())) {
			Map<String, String> headers = new LinkedHashMap<>();
			headers.put("WWW-Authenticate", PeerSecret.SCHEME);
			return text(401, headers, "kiwi-db peer endpoints answer only nodes that sign their requests with the "
					+ "shared kiwi.db.replication.peer-secret");
		}
		if (PeerProtocol.ACK_PATH.equals(path)) {
			return acknowledgements(method, authorization, body);
		}
		if (!PeerProtocol.LOG_PATH.equals(path)) {
			return text(404, new LinkedHashMap<>(), "No kiwi-db peer endpoint at " + path);
		}
		if (!"GET".equals(method)) {
			return text(405, new LinkedHashMap<>(Map.of("Allow", "GET")), "Use GET");
		}
		Map<String, String> parameters = parameters(query);
		Position from;
		Duration wait;
		try {
			from = Position.parse(parameters.getOrDefault("from", ""));
			long millis = Long.parseLong(parameters.getOrDefault("wait", "1000"));
			wait = Duration.ofMillis(Math.max(0, Math.min(millis, LONGEST_WAIT.toMillis())));
		}
		catch (IllegalArgumentException ex) {
			return text(400, new LinkedHashMap<>(), "Bad parameters: " + ex.getMessage());
		}
		return log(authorization, from, wait);
	}

	/**
	 * The log from {@code from}: a single signed answer when there is nothing to stream (nothing new
	 * within the wait, or not live here); otherwise a stream, whose first part holds what is
	 * committed past {@code from} and each further part what was committed since the one before,
	 * the moment it is, until the wait is over or the log can't be streamed on.
	 */
	private PeerResponse log(String authorization, Position from, Duration wait) throws InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		PrimaryReplication primary = primaryOf(this.replicator);
		Answer first = answer(primary, from, wait, true);
		if (first.status() != 200) {
			return signed(authorization, first);
		}
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", StreamPart.CONTENT_TYPE);
		headers.put("Cache-Control", "no-store");
		headers.put(PeerProtocol.NODE_HEADER, first.node());
		return new PeerResponse(200, headers, new byte[0],
				(out) -> stream(authorization, primary, first, deadline, new DataOutputStream(new BufferedOutputStream(out, 64 * 1024))));
	}

	private void stream(String authorization, PrimaryReplication primary, Answer first, long deadline,
			DataOutputStream out) throws IOException, InterruptedException {
		Answer answer = first;
		for (long sequence = 0;; sequence++) {
			StreamPart part = new StreamPart(answer.status(), answer.start(), answer.next(), answer.end(),
					primary.liveLog().acknowledgements().wanted(), answer.body());
			part.writeTo(out, this.secret.signResponse(authorization, answer.node(), part.signedFields(sequence),
					part.body()));
			long remaining = deadline - System.nanoTime();
			if (answer.status() != 200 || remaining <= 0) {
				return;
			}
			// Streamed on from where the part ended: the follower has not said it holds that part yet.
			answer = answer(primary, answer.next(), Duration.ofNanos(remaining), false);
		}
	}

	/**
	 * A follower's acknowledgement channel: while it applies a stream, it writes a line to this
	 * request's body for each part it applied (the position it holds now and the line's signature),
	 * without waiting for an answer, so that the committers waiting for it here hear of it one way
	 * across the network, not a round trip. Answered once the follower ends the body.
	 */
	private PeerResponse acknowledgements(String method, String authorization, InputStream body) {
		if (!"POST".equals(method)) {
			return text(405, new LinkedHashMap<>(Map.of("Allow", "POST")), "Use POST");
		}
		PrimaryReplication primary = primaryOf(this.replicator);
		if (primary == null || primary.writesRefused() != null || body == null) {
			return text(409, new LinkedHashMap<>(), "This node is not the primary of " + this.replicator.replica() + " (now)");
		}
		try {
			BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.US_ASCII), 256);
			long sequence = 0;
			for (String line = lines.readLine(); line != null; line = lines.readLine(), sequence++) {
				int space = line.indexOf(' ');
				if (space <= 0 || !this.secret.signedAcknowledgement(line.substring(space + 1), authorization, sequence,
						line.substring(0, space))) {
					return text(400, new LinkedHashMap<>(), "Acknowledgement " + sequence + " is not signed for this channel");
				}
				Position at = Position.parse(line.substring(0, space));
				if (primaryOf(this.replicator) == primary && primary.writesRefused() == null) {
					// One this log can't place (a generation it no longer ships) acknowledges nothing.
					primary.liveLog().acknowledge(at, ACKNOWLEDGE_WAIT);
				}
			}
		}
		catch (IllegalArgumentException ex) {
			return text(400, new LinkedHashMap<>(), "Bad acknowledgement: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return text(503, new LinkedHashMap<>(), "This node is stopping");
		}
		catch (IOException ex) {
			return text(503, new LinkedHashMap<>(), "The acknowledgements could not be read: " + ex.getMessage());
		}
		return new PeerResponse(204, new LinkedHashMap<>(), new byte[0]);
	}

	/**
	 * One answer from the live log of {@code primary}, which must still be this node's primary
	 * replication and accept writes.
	 */
	private Answer answer(PrimaryReplication primary, Position from, Duration wait, boolean followerHolds)
			throws InterruptedException {
		if (primary == null || primaryOf(this.replicator) != primary || primary.writesRefused() != null) {
			return new Answer(409, null, null, null, bytes("This node is not the primary of " + this.replicator.replica()
					+ " (now): read the replica, and look for the primary in its claim"), nodeOf(this.replicator));
		}
		try {
			LiveLog.Read read = primary.liveLog().read(from, wait, followerHolds);
			if (read instanceof LiveLog.Read.Frames frames) {
				return new Answer(200, frames.start(), frames.next(), frames.end(), frames.bytes(), primary.node());
			}
			if (read instanceof LiveLog.Read.NothingNew nothing) {
				return new Answer(204, null, null, nothing.end(), new byte[0], primary.node());
			}
			LiveLog.Read.NotLive notLive = (LiveLog.Read.NotLive) read;
			return new Answer(409, null, null, notLive.end(), bytes(notLive.reason()), primary.node());
		}
		catch (IOException ex) {
			logger.log(Level.WARNING, "Could not read the log for a follower: " + ex.getMessage());
			return new Answer(503, null, null, null, bytes("The primary could not read its log: " + ex.getMessage()),
					primary.node());
		}
	}

	private PeerResponse signed(String authorization, Answer answer) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("Content-Type", (answer.status() == 200) ? "application/octet-stream" : "text/plain;charset=UTF-8");
		headers.put("Cache-Control", "no-store");
		headers.put(PeerProtocol.NODE_HEADER, answer.node());
		put(headers, PeerProtocol.START_HEADER, answer.start());
		put(headers, PeerProtocol.NEXT_HEADER, answer.next());
		put(headers, PeerProtocol.END_HEADER, answer.end());
		headers.put(PeerProtocol.SIGNATURE_HEADER, this.secret.signResponse(authorization, answer.node(),
				signedFields(answer.status(), headers), answer.body()));
		return new PeerResponse(answer.status(), headers, answer.body());
	}

	/** What a response's signature covers besides its body and node: its status and positions. */
	static String signedFields(int status, Map<String, String> headers) {
		return status + " " + headers.get(PeerProtocol.START_HEADER) + " " + headers.get(PeerProtocol.NEXT_HEADER) + " "
				+ headers.get(PeerProtocol.END_HEADER);
	}

	private static void put(Map<String, String> headers, String name, Position position) {
		if (position != null) {
			headers.put(name, position.toString());
		}
	}

	/**
	 * The node an answer is signed as: a primary's id; a node in auto mode's own id whatever its
	 * role now (between two roles, a follower that found it named in the claim trusts its answer
	 * and asks again); a read replica has none to give.
	 */
	private static String nodeOf(KiwiDbReplicator replicator) {
		if (replicator instanceof AutoReplication auto) {
			return auto.node();
		}
		PrimaryReplication primary = primaryOf(replicator);
		return (primary != null) ? primary.node() : "replica";
	}

	/** The primary's replication when this node is the primary now, {@code null} otherwise. */
	private static PrimaryReplication primaryOf(KiwiDbReplicator replicator) {
		if (replicator instanceof PrimaryReplication primary) {
			return primary;
		}
		return (replicator instanceof AutoReplication auto) ? auto.primary().orElse(null) : null;
	}

	private static PeerResponse text(int status, Map<String, String> headers, String message) {
		headers.put("Content-Type", "text/plain;charset=UTF-8");
		return new PeerResponse(status, headers, bytes(message));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static Map<String, String> parameters(String query) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (query == null) {
			return parameters;
		}
		for (String pair : query.split("&")) {
			int equals = pair.indexOf('=');
			if (equals > 0) {
				parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
			}
		}
		return parameters;
	}

	private record Answer(int status, Position start, Position next, Position end, byte[] body, String node) {
	}

}
