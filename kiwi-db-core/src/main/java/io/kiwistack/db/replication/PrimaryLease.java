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
 */
final class PrimaryLease {

	static final String PATH = "kiwi/primary.lease";

	private final ReplicaClient client;

	private final Duration timeout;

	private final Clock clock;

	private final String holder;

	private String version;

	private Instant renewedAt;

	PrimaryLease(ReplicaClient client, Duration timeout, Clock clock) {
		this.client = client;
		this.timeout = timeout;
		this.clock = clock;
		this.holder = ManagementFactory.getRuntimeMXBean().getName() + " started " + clock.instant();
	}

	/**
	 * Take the claim, or take over one that expired.
	 * @throws ReplicaLeaseHeldException when another primary holds a live claim
	 */
	void claim() throws IOException {
		for (int attempt = 0; attempt < 3; attempt++) {
			this.version = this.client.createIfAbsent(PATH, content());
			if (this.version != null) {
				this.renewedAt = this.clock.instant();
				return;
			}
			VersionedObject current = this.client.readVersioned(PATH);
			if (current == null) {
				continue;
			}
			if (adoptIfOurs(current)) {
				return;
			}
			Claim other = Claim.parse(current.content());
			if (other.expiresAt().isAfter(this.clock.instant())) {
				throw new ReplicaLeaseHeldException(this.client.describe(), other.holder(), other.expiresAt());
			}
			this.version = this.client.replaceIfVersion(PATH, content(), current.version());
			if (this.version != null) {
				this.renewedAt = this.clock.instant();
				return;
			}
		}
		throw new ReplicaException("Could not claim " + this.client.describe() + ": the claim kept changing underneath");
	}

	/** Renew the claim once a third of its timeout has passed; take it first if not held yet. */
	void renewIfDue() throws IOException {
		if (this.renewedAt == null) {
			claim();
			return;
		}
		if (Duration.between(this.renewedAt, this.clock.instant()).compareTo(this.timeout.dividedBy(3)) < 0) {
			return;
		}
		String renewed = this.client.replaceIfVersion(PATH, content(), this.version);
		if (renewed == null) {
			VersionedObject current = this.client.readVersioned(PATH);
			if (current != null && adoptIfOurs(current)) {
				return;
			}
			String other = (current != null) ? Claim.parse(current.content()).holder() : "nobody (it was deleted)";
			throw new ReplicaException("Lost the primary claim on " + this.client.describe() + " to " + other
					+ "; this node stops shipping so the two do not corrupt the replica");
		}
		this.version = renewed;
		this.renewedAt = this.clock.instant();
	}

	/**
	 * A conditional write whose first attempt was stored but whose answer was lost is retried by
	 * the client and then refused: the object holding our own claim is what refused it. Take it
	 * as written.
	 */
	private boolean adoptIfOurs(VersionedObject current) {
		if (!Claim.parse(current.content()).holder().equals(this.holder)) {
			return false;
		}
		this.version = current.version();
		this.renewedAt = this.clock.instant();
		return true;
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

	String holder() {
		return this.holder;
	}

	private byte[] content() {
		Instant expiresAt = this.clock.instant().plus(this.timeout);
		return ("holder=" + this.holder + "\nexpires=" + expiresAt + "\n").getBytes(StandardCharsets.UTF_8);
	}

	private record Claim(String holder, Instant expiresAt) {

		static Claim parse(byte[] content) {
			String holder = "unknown";
			Instant expiresAt = Instant.EPOCH;
			for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
				if (line.startsWith("holder=")) {
					holder = line.substring("holder=".length());
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
			return new Claim(holder, expiresAt);
		}

	}

}
