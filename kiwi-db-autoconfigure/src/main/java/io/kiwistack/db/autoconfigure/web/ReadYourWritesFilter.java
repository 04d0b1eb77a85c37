package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import io.kiwistack.db.CommitWatch;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.Position;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Read-your-writes on every node. A request carrying the {@code kiwi-db-position} cookie waits
 * until this node has applied that position (up to {@code kiwi.db.replication.read-your-writes-timeout},
 * then {@code 503}): a primary holds every position at once. On a node that takes writes, the
 * response to a request that committed a transaction carries the position of that commit (see
 * {@link PositionResponse}). Commits are seen on the request's own thread; a transaction an
 * asynchronous request commits on another thread is not announced.
 */
final class ReadYourWritesFilter extends HttpFilter {

	private static final Log logger = LogFactory.getLog(ReadYourWritesFilter.class);

	private final transient Supplier<KiwiDbReplicator> replicator;

	private final transient Supplier<CommitWatch> commitWatch;

	private final Duration timeout;

	private final transient ClusterMetrics metrics;

	ReadYourWritesFilter(Supplier<KiwiDbReplicator> replicator, Supplier<CommitWatch> commitWatch, Duration timeout,
			ClusterMetrics metrics) {
		this.replicator = replicator;
		this.commitWatch = commitWatch;
		this.timeout = timeout;
		this.metrics = metrics;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		KiwiDbReplicator replicator = this.replicator.get();
		boolean takesWrites = replicator.takesWrites();
		Optional<Position> wanted = PositionCookie.of(request);
		if (wanted.isPresent() && !takesWrites && !caughtUp(replicator, wanted.get())) {
			PlainAnswer.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, true, "This node, a read replica "
					+ "of " + replicator.replica() + ", has not yet applied the client's last write (position "
					+ wanted.get() + ", from its kiwi-db-position cookie) within kiwi.db.replication."
					+ "read-your-writes-timeout (" + this.timeout.toMillis() + " ms). Retry shortly.");
			return;
		}
		if (!takesWrites) {
			chain.doFilter(request, response);
			return;
		}
		PositionResponse positioned = new PositionResponse(response, replicator, request.isSecure());
		try (CommitWatch.Registration watching = this.commitWatch.get().watchThisThread(positioned::transactionCommitted)) {
			chain.doFilter(request, positioned);
		}
		positioned.addPositionIfCommitted();
	}

	private boolean caughtUp(KiwiDbReplicator replicator, Position wanted) throws IOException {
		long start = System.nanoTime();
		boolean reached;
		try {
			reached = replicator.awaitPosition(wanted, this.timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting for position " + wanted, ex);
		}
		this.metrics.readYourWritesWait(reached ? "reached" : "timeout", System.nanoTime() - start);
		if (!reached && logger.isDebugEnabled()) {
			logger.debug("Position " + wanted + " of a client's last write not applied within " + this.timeout
					+ "; answering 503");
		}
		return reached;
	}

}
