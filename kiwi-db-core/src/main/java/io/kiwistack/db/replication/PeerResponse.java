package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * What a peer endpoint answers, for the web layer to write as it is: a body known in full, or one
 * streamed while the request stays open.
 *
 * @param status the HTTP status
 * @param headers the headers to set
 * @param body the body, {@code text/plain} for errors and {@code application/octet-stream} for
 * frames; empty when {@code streamed}
 * @param streamed writes a body of unknown length, flushing each part as it goes; {@code null} when
 * the answer is {@code body}
 */
public record PeerResponse(int status, Map<String, String> headers, byte[] body, Streamed streamed) {

	public PeerResponse(int status, Map<String, String> headers, byte[] body) {
		this(status, headers, body, null);
	}

	/** A body written part by part, each flushed to the peer at once. */
	@FunctionalInterface
	public interface Streamed {

		/**
		 * Write the body to {@code out} (the web layer's response stream, left open for it to close).
		 * @throws InterruptedException when this node stops meanwhile
		 */
		void writeTo(OutputStream out) throws IOException, InterruptedException;

	}

}
