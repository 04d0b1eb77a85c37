package io.kiwistack.db.benchmarks;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How long this machine takes to hand work from one thread to another: two threads pass a turn
 * back and forth, each parked until the other unparks it, and each hand-off is timed from the
 * unpark to the parked thread running. An acknowledged commit waits for several such hand-offs in
 * a row that a local one does not (to the primary's streaming thread, to the follower, to the
 * primary's handler of the acknowledgement, back to the committer), so their cost on the machine
 * bounds what {@code commit-ack: replica} can reach.
 */
final class ThreadHandoff {

	private static final int WARMUP = 2_000;

	private ThreadHandoff() {
	}

	/** {@code handoffs} hand-offs after a warmup, timed each. */
	static Result measure(int handoffs) throws InterruptedException {
		long[] nanos = new long[handoffs];
		Baton baton = new Baton();
		// One turn more than is timed: the last one passed is awaited by nobody.
		int total = WARMUP + handoffs + 1;
		Thread self = Thread.currentThread();
		Thread other = new Thread(() -> {
			for (int i = 1; i < total; i += 2) {
				baton.awaitTurn(i, nanos, WARMUP);
				baton.pass(i + 1, self);
			}
		}, "handoff-probe");
		other.setDaemon(true);
		other.start();
		for (int i = 0; i < total; i += 2) {
			if (i > 0) {
				baton.awaitTurn(i, nanos, WARMUP);
			}
			baton.pass(i + 1, other);
		}
		other.join();
		Arrays.sort(nanos);
		return new Result(handoffs, micros(nanos, 0.50), micros(nanos, 0.99));
	}

	private static double micros(long[] sorted, double fraction) {
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] / 1e3;
	}

	/** Whose turn it is, and when it was handed over. */
	private static final class Baton {

		private volatile int turn;

		private volatile long passedAt;

		void pass(int next, Thread to) {
			this.passedAt = System.nanoTime();
			this.turn = next;
			LockSupport.unpark(to);
		}

		void awaitTurn(int mine, long[] nanos, int warmup) {
			while (this.turn != mine) {
				LockSupport.park(this);
			}
			long took = System.nanoTime() - this.passedAt;
			if (mine >= warmup && mine - warmup < nanos.length) {
				nanos[mine - warmup] = took;
			}
		}

	}

	/**
	 * @param handoffs how many were timed
	 * @param p50Micros the median, from unpark to running
	 * @param p99Micros the 99th percentile
	 */
	record Result(int handoffs, double p50Micros, double p99Micros) {
	}

}
