package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import io.kiwistack.db.WriteFence;

/**
 * A primary's standing with its replica: the {@link PrimaryLease claim} it holds and the
 * {@link WriteFence} that follows it. While the claim is known to be valid, commits are
 * acknowledged up to shortly before it could expire; a node that can't renew refuses them from
 * then until a renewal succeeds; a node whose claim another node took is deposed for good and
 * writes nothing more to the replica.
 */
final class PrimaryClaim {

	private static final System.Logger logger = System.getLogger(PrimaryClaim.class.getName());

	private final PrimaryLease lease;

	private final WriteFence fence;

	private final ReplicaClient client;

	private final Consumer<String> onDeposed;

	private final PrimaryLease.MonotonicClock monotonic;

	/** Why commits are refused once the claim could have expired. */
	private final String expiredReason;

	/** Whether the writes an earlier primary's crash left were cleared away, once, at the first claim. */
	private boolean abandonedWritesRemoved;

	/** Set once the claim is given up: its deadline is no longer the fence's. */
	private boolean released;

	/**
	 * A claim whose validity is measured on {@link System#nanoTime()}, or on {@code clock} when it
	 * is a {@link PrimaryLease.MonotonicClock} too (a test's, moved by hand).
	 * @param node this node's id, which survives its restarts
	 * @param onDeposed told why, once, when another node took the claim
	 */
	PrimaryClaim(ReplicaClient client, Duration timeout, Clock clock, String node, WriteFence fence,
			Consumer<String> onDeposed) {
		this(client, timeout, clock, PrimaryLease.MonotonicClock.of(clock), node, null, fence, onDeposed);
	}

	/** As above, publishing {@code advertiseUrl} in the claim (when not {@code null}). */
	PrimaryClaim(ReplicaClient client, Duration timeout, Clock clock, String node, String advertiseUrl,
			WriteFence fence, Consumer<String> onDeposed) {
		this(client, timeout, clock, PrimaryLease.MonotonicClock.of(clock), node, advertiseUrl, fence, onDeposed);
	}

	/**
	 * @param clock the wall clock: when renewals are due, and the expiry written into the claim
	 * @param monotonic the clock the claim's validity is measured on
	 * @param node this node's id, which survives its restarts
	 * @param onDeposed told why, once, when another node took the claim
	 */
	PrimaryClaim(ReplicaClient client, Duration timeout, Clock clock, PrimaryLease.MonotonicClock monotonic,
			String node, String advertiseUrl, WriteFence fence, Consumer<String> onDeposed) {
		this.lease = new PrimaryLease(client, timeout, clock, monotonic, node, advertiseUrl);
		this.client = client;
		this.fence = fence;
		this.onDeposed = onDeposed;
		this.monotonic = monotonic;
		Duration valid = timeout.minus(PrimaryLease.safetyMargin(timeout));
		this.expiredReason = "This node could not renew its primary claim on " + client.describe() + " within "
				+ valid.toMillis() + " ms (kiwi.db.replication.lease-timeout " + timeout.toMillis() + " ms, less a "
				+ "safety margin): another node may take over once the claim expires, so this node acknowledges no "
				+ "writes until the replica answers and the claim is renewed";
	}

	/**
	 * Take the claim as the primary starts.
	 * @throws ReplicaLeaseHeldException when another primary holds it
	 */
	void take() throws IOException {
		this.lease.claim();
		held();
	}

	/**
	 * Renew the claim when due, or take it if this node could not at its start.
	 * @throws PrimaryClaimLostException when another node holds it: this node is deposed
	 */
	void renewIfDue() throws IOException {
		try {
			this.lease.renewIfDue();
		}
		catch (PrimaryClaimLostException ex) {
			depose(ex.getMessage());
			throw ex;
		}
		catch (ReplicaLeaseHeldException ex) {
			String reason = "Another primary holds " + this.client.describe() + " (" + ex.holder()
					+ "), which this node could not claim when it started: it ships nothing there and acknowledges "
					+ "no more writes. The writes it took meanwhile are in its own file only";
			depose(reason);
			throw new PrimaryClaimLostException(reason);
		}
		held();
	}

	/**
	 * Renew a held claim that is due, quietly: while syncs back off, so that a replica that answers
	 * again (or that refuses only segments, a full disk say) does not keep commits fenced for longer
	 * than it must.
	 */
	void renewQuietlyIfDue() {
		if (!this.lease.held() || !this.lease.renewalDue()) {
			return;
		}
		try {
			renewIfDue();
		}
		catch (IOException | RuntimeException ex) {
			// The next sync reports it; the fence stops commits if it comes to that.
		}
	}

	/**
	 * Right before each write to the replica: a node that may no longer hold the claim (it lost it,
	 * or was paused past it since the last renewal) writes nothing more there. The window between
	 * this check and the write stays; it is as short as the code between them.
	 */
	void checkStillPrimary() {
		String refusal = this.fence.refusal();
		if (refusal != null) {
			throw new ReplicaException("Not writing to " + this.client.describe() + ": " + refusal);
		}
	}

	/**
	 * The claim as this node holds it: its version, and how long this node still treats it as
	 * valid without renewing; empty while it is not held.
	 */
	java.util.Optional<Held> holding() {
		if (!this.lease.held() || this.fence.deposed()) {
			return java.util.Optional.empty();
		}
		long left = this.lease.validUntilNanos() - this.monotonic.nanoTime();
		return java.util.Optional.of(new Held(this.lease.version(), Duration.ofNanos(Math.max(0, left))));
	}

	/**
	 * @param version the claim object's version
	 * @param validFor how long this node acknowledges commits without renewing it
	 */
	record Held(String version, Duration validFor) {
	}

	/** Whether another node took the claim: for good. */
	boolean deposed() {
		return this.fence.deposed();
	}

	/** Why commits are refused now, {@code null} while they are acknowledged. */
	String refusal() {
		return this.fence.refusal();
	}

	/** Give the claim up on a clean stop, unless another node holds it now. */
	void release() {
		synchronized (this) {
			this.released = true;
		}
		if (deposed()) {
			return;
		}
		try {
			this.lease.release();
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING, "Could not release the primary claim on " + this.client.describe()
					+ "; it expires by itself after the lease timeout", ex);
		}
	}

	/**
	 * The claim is held (taken or renewed): commits may be acknowledged until shortly before it
	 * could expire. The first time, also clear away what an earlier primary's crash left half
	 * written in the replica.
	 */
	private void held() {
		armFence();
		if (!this.abandonedWritesRemoved) {
			this.abandonedWritesRemoved = true;
			removeAbandonedWrites();
		}
	}

	/**
	 * Let the fence allow commits until the claim's validity ends, on the claim's monotonic clock:
	 * one at a time, and never interleaved with {@link #depose}, so that the last deadline given is
	 * the one of the latest renewal and a deposed node's fence is never opened again.
	 */
	private synchronized void armFence() {
		if (this.lease.held() && !this.released) {
			this.fence.allowUntil(this.lease.validUntilNanos(), this.monotonic::nanoTime, this.expiredReason);
		}
	}

	private void removeAbandonedWrites() {
		try {
			int removed = this.client.removeAbandonedWrites();
			if (removed > 0) {
				logger.log(Level.INFO, "Removed {0} unfinished write(s) an earlier primary left in {1}", removed,
						this.client.describe());
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING, "Could not remove unfinished writes from " + this.client.describe() + ": "
					+ ex.getMessage());
		}
	}

	private void depose(String reason) {
		if (!this.fence.deposed()) {
			logger.log(Level.ERROR, reason);
			synchronized (this) {
				this.fence.depose(reason);
			}
			this.onDeposed.accept(reason);
		}
	}

}
