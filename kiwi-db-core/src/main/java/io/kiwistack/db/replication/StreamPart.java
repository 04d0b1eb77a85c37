package io.kiwistack.db.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * One part of a primary's streamed answer to {@link PeerProtocol#LOG_PATH}: committed frames, or
 * the word that nothing came before the wait ended, or that the follower must read storage (the
 * last part). A stream keeps one request open while the primary commits, so that each commit
 * reaches the follower the moment it exists instead of when the follower's next request arrives.
 * Each part is signed on its own, numbered within its stream, so a part can be neither altered nor
 * moved.
 * <p>
 * On the wire: the status (200 frames, 204 nothing new, 409 not live) as an int; start, next and
 * end as UTF strings, empty for none; whether the primary waits for acknowledgements; the
 * signature; the body's length and the body.
 *
 * @param status 200, 204 or 409, as the single answers of {@link PeerEndpoint}
 * @param start where the frames start, {@code null} unless 200
 * @param next where they end: the position to ask for next, {@code null} unless 200
 * @param end the primary's committed end when it answered, {@code null} when it named none
 * @param acknowledge whether committers on the primary wait for a follower to acknowledge (the
 * primary's {@code commit-ack} is {@code replica})
 * @param body the frames (200) or the reason (409)
 */
record StreamPart(int status, Position start, Position next, Position end, boolean acknowledge, byte[] body) {

	/** Content type of a streamed answer. */
	static final String CONTENT_TYPE = "application/x-kiwi-db-log-stream";

	/** The most a part's body may hold: a single transaction larger than the read limit still fits. */
	private static final int LARGEST_BODY = Integer.MAX_VALUE - 16;

	/** What a part's signature covers besides its body, the request and the node. */
	String signedFields(long sequence) {
		return "part " + sequence + " " + this.status + " " + this.start + " " + this.next + " " + this.end + " "
				+ this.acknowledge;
	}

	/** Write this part, signed, and flush: the follower applies it now. */
	void writeTo(DataOutputStream out, String signature) throws IOException {
		out.writeInt(this.status);
		out.writeUTF(text(this.start));
		out.writeUTF(text(this.next));
		out.writeUTF(text(this.end));
		out.writeBoolean(this.acknowledge);
		out.writeUTF(signature);
		out.writeInt(this.body.length);
		out.write(this.body);
		out.flush();
	}

	/**
	 * The next part and its signature, {@code null} at the stream's end.
	 * @throws IOException when the stream breaks off inside a part, or a part is malformed
	 */
	static Signed readFrom(DataInputStream in) throws IOException {
		int first = in.read();
		if (first < 0) {
			return null;
		}
		int status = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedShort());
		try {
			Position start = position(in.readUTF());
			Position next = position(in.readUTF());
			Position end = position(in.readUTF());
			boolean acknowledge = in.readBoolean();
			String signature = in.readUTF();
			int length = in.readInt();
			if (length < 0 || length > LARGEST_BODY) {
				throw new IOException("A part of the primary's stream claims " + length + " bytes");
			}
			// Read straight into the part's array: readNBytes would gather it in buffers first, and copy it again.
			byte[] body = new byte[length];
			try {
				in.readFully(body);
			}
			catch (EOFException ex) {
				throw new EOFException("The primary's stream broke off inside a part");
			}
			return new Signed(new StreamPart(status, start, next, end, acknowledge, body), signature);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("A part of the primary's stream names no valid position: " + ex.getMessage(), ex);
		}
	}

	private static String text(Position position) {
		return (position != null) ? position.toString() : "";
	}

	private static Position position(String text) {
		return text.isEmpty() ? null : Position.parse(text);
	}

	/** A part as read, with the signature it came with. */
	record Signed(StreamPart part, String signature) {
	}

}
