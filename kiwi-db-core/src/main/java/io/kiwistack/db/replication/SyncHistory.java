package io.kiwistack.db.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a primary's syncs went since it started: running totals and the current failure, written by
 * the replicator's thread and read from any, each figure on its own.
 */
final class SyncHistory {

	private final Clock clock;

	private final LongAdder bytesShipped = new LongAdder();

	private final LongAdder segmentsShipped = new LongAdder();

	private final LongAdder transactionsShipped = new LongAdder();

	private final LongAdder failedSyncs = new LongAdder();

	private volatile Instant lastSuccessfulSync;

	private volatile String lastError;

	private volatile Instant failingSince;

	private volatile long longestBarrierNanos;

	SyncHistory(Clock clock) {
		this.clock = clock;
	}

	void segmentShipped(long compressedBytes, int transactions) {
		this.bytesShipped.add(compressedBytes);
		this.segmentsShipped.increment();
		this.transactionsShipped.add(transactions);
	}

	void succeeded() {
		this.lastSuccessfulSync = this.clock.instant();
		this.lastError = null;
		this.failingSince = null;
	}

	void failed(String error) {
		this.failedSyncs.increment();
		failing(error);
	}

	/** Mark replication as failing without counting a failed sync: the claim was lost. */
	void failing(String error) {
		this.lastError = error;
		if (this.failingSince == null) {
			this.failingSince = this.clock.instant();
		}
	}

	void barrierHeld(long nanos) {
		this.longestBarrierNanos = Math.max(this.longestBarrierNanos, nanos);
	}

	long transactionsShipped() {
		return this.transactionsShipped.sum();
	}

	Instant lastSuccessfulSync() {
		return this.lastSuccessfulSync;
	}

	String lastError() {
		return this.lastError;
	}

	Instant failingSince() {
		return this.failingSince;
	}

	Duration longestBarrier() {
		return Duration.ofNanos(this.longestBarrierNanos);
	}

	ReplicationCounters counters() {
		return new ReplicationCounters(this.bytesShipped.sum(), this.segmentsShipped.sum(), this.failedSyncs.sum(),
				this.transactionsShipped.sum(), this.lastSuccessfulSync, this.failingSince);
	}

}
