package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;

import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.Position;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * A primary's response to a request that committed a transaction: right before it commits (the
 * application takes its body stream or writer, flushes, sends an error or a redirect, or returns
 * without doing any), it gets the position of everything committed so far as the
 * {@code Kiwi-Db-Position} header and the {@code kiwi-db-position} cookie. The position is taken
 * here, after the transaction let go of the writer, never in the commit watcher that holds it.
 */
final class PositionResponse extends HttpServletResponseWrapper {

	private final KiwiDbReplicator replicator;

	private final boolean secure;

	private volatile boolean committedTransaction;

	private boolean positionAdded;

	PositionResponse(HttpServletResponse response, KiwiDbReplicator replicator, boolean secure) {
		super(response);
		this.replicator = replicator;
		this.secure = secure;
	}

	/** The commit watcher: the writer is held, so it only notes that a transaction committed. */
	void transactionCommitted() {
		this.committedTransaction = true;
	}

	/**
	 * Add the position, once, when the request committed a transaction and the response is not yet
	 * committed. A transaction committed after the headers went out is not announced: the client
	 * still reads at least the earlier ones' position back.
	 */
	void addPositionIfCommitted() {
		if (!this.committedTransaction || this.positionAdded || isCommitted()) {
			return;
		}
		this.positionAdded = true;
		Optional<Position> position = this.replicator.position();
		position.ifPresent((committed) -> {
			setHeader(PeerProtocol.POSITION_HEADER, committed.toString());
			addHeader("Set-Cookie", PositionCookie.setCookie(committed, this.secure));
		});
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		addPositionIfCommitted();
		return super.getOutputStream();
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		addPositionIfCommitted();
		return super.getWriter();
	}

	@Override
	public void flushBuffer() throws IOException {
		addPositionIfCommitted();
		super.flushBuffer();
	}

	@Override
	public void sendError(int sc, String msg) throws IOException {
		addPositionIfCommitted();
		super.sendError(sc, msg);
	}

	@Override
	public void sendError(int sc) throws IOException {
		addPositionIfCommitted();
		super.sendError(sc);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		addPositionIfCommitted();
		super.sendRedirect(location);
	}

	@Override
	public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
		addPositionIfCommitted();
		super.sendRedirect(location, sc, clearBuffer);
	}

}
