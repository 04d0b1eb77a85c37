package io.kiwistack.db.replication;

import java.io.IOException;
import java.time.Duration;

/**
 * How a candidate judges the primary's claim without comparing clocks across machines: it reads
 * the claim again and again, and takes it for expired once it has seen the same version, unchanged,
 * for the whole lease timeout on its own monotonic clock. A holder renews well within the timeout
 * and stops acknowledging commits before it could expire (see {@link PrimaryClaim}), so a version
 * that stood still that long belongs to a primary that no longer writes.
 */
final class ClaimWatch {

	private final ReplicaClient client;

	private final Duration leaseTimeout;

	private final PrimaryLease.MonotonicClock clock;

	private String version;

	private long seenSinceNanos;

	private volatile Seen last = new Seen(null, false, 0);

	ClaimWatch(ReplicaClient client, Duration leaseTimeout, PrimaryLease.MonotonicClock clock) {
		this.client = client;
		this.leaseTimeout = leaseTimeout;
		this.clock = clock;
	}

	/**
	 * Read the claim and tell what is known of it now.
	 * @throws IOException when storage can't be read: nothing is concluded then
	 */
	Seen read() throws IOException {
		PrimaryClaimView claim = PrimaryLease.read(this.client).orElse(null);
		long now = this.clock.nanoTime();
		if (claim == null) {
			this.version = null;
			this.last = new Seen(null, true, 0);
			return this.last;
		}
		if (!claim.version().equals(this.version)) {
			this.version = claim.version();
			this.seenSinceNanos = now;
		}
		long left = this.leaseTimeout.toNanos() - (now - this.seenSinceNanos);
		this.last = new Seen(claim, left <= 0, Math.max(0, left));
		return this.last;
	}

	/** What the last read found, without reading again. */
	Seen last() {
		return this.last;
	}

	/**
	 * The claim as a candidate sees it.
	 *
	 * @param claim the claim, {@code null} when nobody holds it
	 * @param expired whether nobody holds it, or its version stood still for the lease timeout
	 * @param expiresInNanos how long until this node would take it for expired, unchanged
	 */
	record Seen(PrimaryClaimView claim, boolean expired, long expiresInNanos) {

		/** The version an election is about: the claim's, or {@code "none"} when there is no claim. */
		String election() {
			return (this.claim != null) ? this.claim.version() : "none";
		}

	}

}
