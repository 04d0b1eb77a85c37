package io.kiwistack.db.replication;

/**
 * The names the nodes of a replica path and their clients agree on over HTTP: the path prefix of
 * the peer endpoints, the headers and the cookie that carry positions, and the loop guard of a
 * forwarded request.
 */
public final class PeerProtocol {

	/** Every peer endpoint is under this prefix, on the service's own port. */
	public static final String PREFIX = "/kiwi-db/";

	/** The endpoint that streams a primary's new transactions: {@code GET ?from=<position>&wait=<millis>}. */
	public static final String LOG_PATH = PREFIX + "log";

	/**
	 * Where a follower acknowledges the streamed transactions it applied: {@code POST}, with a body of
	 * lines written as it goes, each a position it holds and the line's signature.
	 */
	public static final String ACK_PATH = PREFIX + "ack";

	/** The response header with the position of the transaction a request committed. */
	public static final String POSITION_HEADER = "Kiwi-Db-Position";

	/** The cookie with the position of the client's last write, sent back with its next requests. */
	public static final String POSITION_COOKIE = "kiwi-db-position";

	/** Set on a request a replica forwards to the primary: it is never forwarded again. */
	public static final String FORWARDED_HEADER = "Kiwi-Db-Forwarded";

	/** The node id of the primary answering a peer. */
	static final String NODE_HEADER = "Kiwi-Db-Node";

	/** The primary's signature over its answer to a peer. */
	static final String SIGNATURE_HEADER = "Kiwi-Db-Signature";

	/** Where the streamed frames start. */
	static final String START_HEADER = "Kiwi-Db-Start";

	/** Where the streamed frames end: the position to ask for next. */
	static final String NEXT_HEADER = "Kiwi-Db-Next";

	/** The primary's committed end when it answered. */
	static final String END_HEADER = "Kiwi-Db-End";

	private PeerProtocol() {
	}

}
