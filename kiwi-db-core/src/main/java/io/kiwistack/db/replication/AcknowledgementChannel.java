package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;

/**
 * A follower's open {@link PeerProtocol#ACK_PATH} request to the primary it streams from: a body of
 * unknown length, one signed line per acknowledgement, each flushed as a chunk of its own the
 * moment the follower applied a part. Nothing comes back per line: the primary hears of it one way
 * across the network, where a request per acknowledgement would cost its committers the whole
 * round trip. Closed when the stream it belongs to ends; the primary answers then.
 */
final class AcknowledgementChannel implements AutoCloseable {

	private final HttpURLConnection connection;

	private final String authorization;

	private final PeerSecret secret;

	private OutputStream body;

	private long sequence;

	AcknowledgementChannel(HttpURLConnection connection, String authorization, PeerSecret secret) {
		this.connection = connection;
		this.authorization = authorization;
		this.secret = secret;
	}

	/** The follower holds the log up to {@code at}. */
	void acknowledge(Position at) throws IOException {
		if (this.body == null) {
			// Sends the request's headers: the primary starts reading the lines to come.
			this.body = this.connection.getOutputStream();
		}
		String position = at.toString();
		String line = position + " " + this.secret.signAcknowledgement(this.authorization, this.sequence++, position) + "\n";
		this.body.write(line.getBytes(StandardCharsets.US_ASCII));
		this.body.flush();
	}

	/**
	 * End the body and read the primary's answer, so that the connection serves the next request.
	 * @throws IOException when the primary did not take the lines (it is not the primary any more,
	 * say); the connection is dropped then
	 */
	@Override
	public void close() throws IOException {
		if (this.body == null) {
			return;
		}
		boolean answered = false;
		try {
			this.body.close();
			int status = this.connection.getResponseCode();
			LogStreamClient.body(this.connection, status);
			answered = true;
			if (status != 204) {
				throw new IOException("The primary answered " + status + " to this follower's acknowledgements");
			}
		}
		finally {
			if (!answered) {
				this.connection.disconnect();
			}
		}
	}

	/** Drop the connection without waiting for an answer: a line could not be sent. */
	void abandon() {
		this.connection.disconnect();
	}

}
