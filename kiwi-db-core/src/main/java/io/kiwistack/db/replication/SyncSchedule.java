package io.kiwistack.db.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When the replicator tries next: after a failure, attempts back off, doubling up to 32 sync
 * intervals; and where an early sync last shipped nothing, so the next one waits for progress.
 * Used by the replicator's thread only.
 */
final class SyncSchedule {

	private final Duration syncInterval;

	private final Clock clock;

	private int consecutiveFailures;

	private Instant nextAttempt = Instant.EPOCH;

	private LogProgress fruitlessEarlySync;

	SyncSchedule(Duration syncInterval, Clock clock) {
		this.syncInterval = syncInterval;
		this.clock = clock;
	}

	boolean attemptDue() {
		return !this.clock.instant().isBefore(this.nextAttempt);
	}

	void succeeded() {
		this.consecutiveFailures = 0;
	}

	/** @return how long until the next attempt */
	Duration failed() {
		this.consecutiveFailures++;
		Duration backoff = this.syncInterval.multipliedBy(1L << Math.min(5, this.consecutiveFailures));
		this.nextAttempt = this.clock.instant().plus(backoff);
		return backoff;
	}

	int consecutiveFailures() {
		return this.consecutiveFailures;
	}

	void earlySyncWasFruitless(LogProgress at) {
		this.fruitlessEarlySync = at;
	}

	boolean fruitlessEarlySyncAt(LogProgress at) {
		return at.equals(this.fruitlessEarlySync);
	}

}
