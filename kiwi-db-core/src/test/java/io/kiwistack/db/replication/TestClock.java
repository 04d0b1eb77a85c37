package io.kiwistack.db.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test {@linkplain #advance moves it}: the wall clock the
 * replicator schedules back-off, snapshots and retention by, and the
 * {@linkplain PrimaryLease.MonotonicClock monotonic clock} its claim's validity is measured on, both
 * at once. Given to {@code new Replicator(dataSource, client, settings, clock)}, it makes a lease of
 * minutes expire, and a back-off run its course, in no real time. What still runs in real time:
 * the replicator's timer (a sync every sync interval), the SDK's own retries, and the dates
 * storage gives objects, which is why a test clock starts at the real time.
 * <p>
 * The write fence reads its deadline on this clock too: it stays open however long real time takes
 * while the claim is valid here, and is closed once an advance takes this clock past it.
 */
final class TestClock extends Clock implements PrimaryLease.MonotonicClock {

	/** The time, wall and monotonic together, replaced whole so that readers never see half a move. */
	private volatile Reading now;

	private TestClock(Instant start) {
		this.now = new Reading(start, 0);
	}

	/** A clock standing at the real time now. */
	static TestClock startingNow() {
		return new TestClock(Instant.now());
	}

	/** Move on by {@code duration}. */
	void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A clock moves forward only, not by " + duration);
		}
		synchronized (this) {
			Reading current = this.now;
			this.now = new Reading(current.instant().plus(duration), current.nanos() + duration.toNanos());
		}
	}

	/** Move on to {@code instant}, unless this clock is past it already. */
	void advanceTo(Instant instant) {
		Duration ahead = Duration.between(instant(), instant);
		if (!ahead.isNegative()) {
			advance(ahead);
		}
	}

	/** How far this clock has moved since {@code nanos}, a {@link #nanoTime()} it told before. */
	Duration since(long nanos) {
		return Duration.ofNanos(nanoTime() - nanos);
	}

	@Override
	public Instant instant() {
		return this.now.instant();
	}

	@Override
	public long nanoTime() {
		return this.now.nanos();
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	/** One clock for all: a copy in another zone would not move with this one. */
	@Override
	public Clock withZone(ZoneId zone) {
		if (zone.equals(getZone())) {
			return this;
		}
		throw new UnsupportedOperationException("A test clock runs in UTC only");
	}

	@Override
	public String toString() {
		return "TestClock[" + instant() + "]";
	}

	private record Reading(Instant instant, long nanos) {
	}

}
