package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The claim that makes one primary the only writer of a replica path: an object under
 * {@code kiwi/} created and renewed with conditional writes (create-if-absent, replace-if-version),
 * so two primaries can never both believe they hold it. A claim not renewed within its timeout
 * expires, so a crashed primary's replica can be taken over; a clean stop releases it.
 * <p>
 * Timing: the claim is renewed once a third of its timeout has passed since the last renewal. It
 * is valid until the timeout after the moment its write was sent; this node treats it as valid
 * only until a safety margin (a sixth of the timeout) before that, measured on its
 * {@linkplain MonotonicClock monotonic clock}, so that a node taking over an expired claim never
 * finds this one still writing. The claim names the node by its {@link NodeIdentity}, which
 * survives restarts.
 */
final class PrimaryLease {

	static final String PATH = "kiwi/primary.lease";

	private final ReplicaClient client;

	private final Duration timeout;

	private final Clock clock;

	private final MonotonicClock monotonic;

	private final String node;

	private final String holder;

	/** Where the other nodes reach this one, published in the claim; {@code null} when not set. */
	private final String advertiseUrl;

	private String version;

	/** Written by the replicator's thread; read also where the fence is re-armed (see {@link PrimaryClaim}). */
	private volatile Instant renewedAt;

	private volatile long validUntilNanos;

	/**
	 * @param clock the wall clock: when renewals are due, and the expiry written into the claim
	 * @param monotonic the clock the claim's validity is measured on
	 */
	PrimaryLease(ReplicaClient client, Duration timeout, Clock clock, MonotonicClock monotonic, String node) {
		this(client, timeout, clock, monotonic, node, null);
	}

	/**
	 * @param advertiseUrl where the other nodes reach this one, published in the claim; {@code null}
	 * when they need not
	 */
	PrimaryLease(ReplicaClient client, Duration timeout, Clock clock, MonotonicClock monotonic, String node,
			String advertiseUrl) {
		this.advertiseUrl = advertiseUrl;
		this.client = client;
		this.timeout = timeout;
		this.clock = clock;
		this.monotonic = monotonic;
		this.node = node;
		this.holder = ManagementFactory.getRuntimeMXBean().getName() + " started " + clock.instant();
	}

	/** The safety margin before the claim's expiry at which this node stops acknowledging commits. */
	static Duration safetyMargin(Duration timeout) {
		return timeout.dividedBy(6);
	}

	/**
	 * Take the claim, or take over one that expired or that this node held before it restarted.
	 * @throws ReplicaLeaseHeldException when another primary holds a live claim
	 */
	void claim() throws IOException {
		for (int attempt = 0; attempt < 3; attempt++) {
			long sentAt = this.monotonic.nanoTime();
			this.version = this.client.createIfAbsent(PATH, content());
			if (this.version != null) {
				renewed(sentAt);
				return;
			}
			VersionedObject current = this.client.readVersioned(PATH);
			if (current == null) {
				continue;
			}
			Claim other = Claim.parse(current.content());
			if (!other.heldBy(this.node) && other.expiresAt().isAfter(this.clock.instant())) {
				throw new ReplicaLeaseHeldException(this.client.describe(), other.holder(), other.expiresAt());
			}
			// Expired, or ours from before a restart (or from a retried write whose answer was lost).
			sentAt = this.monotonic.nanoTime();
			this.version = this.client.replaceIfVersion(PATH, content(), current.version());
			if (this.version != null) {
				renewed(sentAt);
				return;
			}
		}
		throw new ReplicaException("Could not claim " + this.client.describe() + ": the claim kept changing underneath");
	}

	/**
	 * Take the claim from a holder this node judged gone, without comparing clocks: replace exactly
	 * the version this node watched unchanged for the lease timeout, or create the claim when there
	 * is none. Two candidates racing never both succeed.
	 * @param seenVersion the version watched, {@code null} when the claim was absent
	 * @return whether this node holds the claim now
	 */
	boolean takeOver(String seenVersion) throws IOException {
		long sentAt = this.monotonic.nanoTime();
		String taken = (seenVersion != null) ? this.client.replaceIfVersion(PATH, content(), seenVersion)
				: this.client.createIfAbsent(PATH, content());
		if (taken == null) {
			return false;
		}
		this.version = taken;
		renewed(sentAt);
		return true;
	}

	/** Whether a third of the timeout has passed since the last renewal, or the claim is not held yet. */
	boolean renewalDue() {
		return this.renewedAt == null
				|| Duration.between(this.renewedAt, this.clock.instant()).compareTo(this.timeout.dividedBy(3)) >= 0;
	}

	/**
	 * Renew the claim when {@link #renewalDue() due}; take it first if not held yet.
	 * @throws PrimaryClaimLostException when another node holds it now
	 */
	void renewIfDue() throws IOException {
		if (this.renewedAt == null) {
			claim();
			return;
		}
		if (!renewalDue()) {
			return;
		}
		long sentAt = this.monotonic.nanoTime();
		String renewed = this.client.replaceIfVersion(PATH, content(), this.version);
		if (renewed == null) {
			VersionedObject current = this.client.readVersioned(PATH);
			if (current != null && Claim.parse(current.content()).heldBy(this.node)) {
				// A retried write whose first attempt was stored: the claim is ours as written.
				this.version = current.version();
				renewed(sentAt);
				return;
			}
			String other = (current != null) ? Claim.parse(current.content()).holder() : "nobody (it was deleted)";
			throw new PrimaryClaimLostException("This node lost the primary claim on " + this.client.describe()
					+ " to " + other + ": it ships nothing more there and acknowledges no more writes, so that the "
					+ "two never fork the history. Restart it to rejoin as a replica or, once the other stops, as "
					+ "the primary");
		}
		this.version = renewed;
		renewed(sentAt);
	}

	private void renewed(long sentAtNanos) {
		// The validity first: a thread that sees the claim held sees its validity too.
		this.validUntilNanos = sentAtNanos + this.timeout.minus(safetyMargin(this.timeout)).toNanos();
		this.renewedAt = this.clock.instant();
	}

	/**
	 * Until when, on the {@linkplain MonotonicClock monotonic clock}, this node may act as the
	 * primary without renewing again.
	 * @throws IllegalStateException before the claim is held
	 */
	long validUntilNanos() {
		if (this.renewedAt == null) {
			throw new IllegalStateException("The claim is not held");
		}
		return this.validUntilNanos;
	}

	/** Give the claim up, if this node still holds it. */
	void release() throws IOException {
		VersionedObject current = this.client.readVersioned(PATH);
		if (current != null && current.version().equals(this.version)) {
			this.client.delete(List.of(PATH));
		}
	}

	boolean held() {
		return this.renewedAt != null;
	}

	/** The claim's version as this node last wrote it, {@code null} before it is held. */
	String version() {
		return this.version;
	}

	String holder() {
		return this.holder;
	}

	/**
	 * Refuse early, before anything is restored, when another node holds a live claim on the
	 * replica: a second primary must not copy the whole replica only to be refused after.
	 * @param node this node's id, or {@code null} when it has none yet
	 * @throws ReplicaLeaseHeldException when another node holds it
	 */
	static void checkNotHeldByAnother(ReplicaClient client, String node, Clock clock) throws IOException {
		VersionedObject current = client.readVersioned(PATH);
		if (current == null) {
			return;
		}
		Claim claim = Claim.parse(current.content());
		if (!claim.heldBy(node) && claim.expiresAt().isAfter(clock.instant())) {
			throw new ReplicaLeaseHeldException(client.describe(), claim.holder(), claim.expiresAt());
		}
	}

	private byte[] content() {
		Instant expiresAt = this.clock.instant().plus(this.timeout);
		String advertised = (this.advertiseUrl != null) ? "advertise=" + this.advertiseUrl + "\n" : "";
		return ("holder=" + this.holder + "\nnode=" + this.node + "\nexpires=" + expiresAt + "\n" + advertised)
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * The clock a claim's validity is measured on: {@link System#nanoTime()}, which runs on while
	 * the process is paused (SIGSTOP, a long GC) and never jumps with the wall clock. A test whose
	 * {@link Clock} also implements this interface moves both by hand, so that lease expiry and
	 * back-off take no real time; {@link #of(Clock)} picks it.
	 */
	@FunctionalInterface
	interface MonotonicClock {

		/** {@link System#nanoTime()}. */
		MonotonicClock SYSTEM = System::nanoTime;

		/** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
		long nanoTime();

		/** {@code clock} itself when it is a monotonic clock too (a test's), else {@link #SYSTEM}. */
		static MonotonicClock of(Clock clock) {
			return (clock instanceof MonotonicClock monotonic) ? monotonic : SYSTEM;
		}

	}

	/**
	 * The claim as it stands in the replica now, for a follower that looks for the primary.
	 * @return empty when nobody holds it
	 */
	static java.util.Optional<PrimaryClaimView> read(ReplicaClient client) throws IOException {
		VersionedObject current = client.readVersioned(PATH);
		if (current == null) {
			return java.util.Optional.empty();
		}
		Claim claim = Claim.parse(current.content());
		return java.util.Optional.of(new PrimaryClaimView(claim.node(), claim.holder(), claim.advertiseUrl(),
				current.version(), claim.expiresAt()));
	}

	private record Claim(String holder, String node, Instant expiresAt, String advertiseUrl) {

		boolean heldBy(String id) {
			return id != null && id.equals(this.node);
		}

		static Claim parse(byte[] content) {
			String holder = "unknown";
			String node = null;
			String advertiseUrl = null;
			Instant expiresAt = Instant.EPOCH;
			for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
				if (line.startsWith("holder=")) {
					holder = line.substring("holder=".length());
				}
				else if (line.startsWith("advertise=")) {
					advertiseUrl = line.substring("advertise=".length()).trim();
				}
				else if (line.startsWith("node=")) {
					node = line.substring("node=".length()).trim();
				}
				else if (line.startsWith("expires=")) {
					try {
						expiresAt = Instant.parse(line.substring("expires=".length()).trim());
					}
					catch (java.time.format.DateTimeParseException ex) {
						expiresAt = Instant.EPOCH;
					}
				}
			}
			return new Claim(holder, node, expiresAt, advertiseUrl);
		}

	}

}
