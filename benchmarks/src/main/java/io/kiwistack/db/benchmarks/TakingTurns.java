package io.kiwistack.db.benchmarks;

import java.time.Duration;

/**
 * Workloads measured in one JMH trial, taking turns by the clock: every thread of the trial runs
 * the first workload in the first {@value #TURN_MILLIS} ms turn, the second in the next, and so
 * on round. Whatever the machine does meanwhile (another tenant, its clock speed, the compiler's
 * threads) falls on all alike, so their quotients hold. Measured in forks of their own, a minute or
 * more apart, the same figure of one of them moved by half between runs, more than the difference
 * being measured.
 * <p>
 * A benchmark counts each workload's transactions in a thread-scoped {@code @AuxCounters} state;
 * each of {@code n} workloads ran for {@code 1/n} of the time, so its throughput while it ran is
 * {@code n} times its count's rate.
 */
final class TakingTurns {

	/** How long a turn lasts: many transactions, and short against a measurement iteration. */
	static final long TURN_MILLIS = 20;

	private static final long TURN_NANOS = Duration.ofMillis(TURN_MILLIS).toNanos();

	/** One clock for every thread, so that they all change workload together. */
	private static final long ORIGIN = System.nanoTime();

	private TakingTurns() {
	}

	/** Whose turn it is now, from {@code 0} to {@code workloads - 1}. */
	static int turn(int workloads) {
		return turn(workloads, TURN_NANOS);
	}

	/**
	 * Whose turn it is now, in turns of {@code turnNanos}: for a workload whose operations take
	 * milliseconds. The operation running when a turn ends runs on into the next workload's turn and
	 * is counted to its own, by half an operation on average: of turns {@code T} long, a workload
	 * whose operations take {@code a} against the other's {@code b} gains {@code (a - b) / 2T} of
	 * its time, under 0.2% for batches of 2 ms and 1.75 ms in turns of 100 ms.
	 */
	static int turn(int workloads, long turnNanos) {
		return (int) (((System.nanoTime() - ORIGIN) / turnNanos) % workloads);
	}

}
