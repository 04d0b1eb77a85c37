package io.kiwistack.db.benchmarks;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One thread committing at a steady pace for a while, recording when each commit returned: the
 * writer side of the timed replication runs.
 */
final class PacedCommits {

	/** How the writer keeps its pace when a commit or a wake-up comes late. */
	enum Pacing {

		/**
		 * Closed loop: after a stall, carry on from now instead of catching up in a burst. Time lost
		 * to a stall, or to a wake-up later than asked, is lost to the rate for good.
		 */
		STEADY,

		/**
		 * Open loop: commit {@code n} is due at start + n periods, and a writer behind schedule
		 * commits at once until it is back on it. The rate offered is fixed, so the rate achieved
		 * says whether the writer keeps up, not how late the thread woke.
		 */
		SCHEDULED

	}

	private PacedCommits() {
	}

	/**
	 * Commit every {@code every} for {@code duration}, at most {@code committedAt.length} times,
	 * closed loop ({@link Pacing#STEADY}).
	 * @param commit makes commit number {@code n} (from 0)
	 * @param progress told the number of commits made after each one
	 * @return what was done
	 */
	static Result run(Duration duration, Duration every, long[] committedAt, IntConsumer commit, IntConsumer progress) {
		return run(Pacing.STEADY, duration, every, committedAt, commit, progress);
	}

	/**
	 * Commit every {@code every} for {@code duration}, at most {@code committedAt.length} times.
	 * A zero {@code every} commits as fast as the writer can.
	 * @param pacing what a late commit does to the schedule
	 * @param commit makes commit number {@code n} (from 0)
	 * @param progress told the number of commits made after each one
	 * @return what was done; a {@link Pacing#SCHEDULED} run that kept up counts the whole
	 * {@code duration} as its writing time, however early in its last period it finished
	 */
	static Result run(Pacing pacing, Duration duration, Duration every, long[] committedAt, IntConsumer commit,
			IntConsumer progress) {
		long period = every.toNanos();
		long start = System.nanoTime();
		long end = start + duration.toNanos();
		long next = start;
		int commits = 0;
		while (commits < committedAt.length) {
			long now = System.nanoTime();
			if (now >= end) {
				break;
			}
			if (now < next) {
				LockSupport.parkNanos(next - now);
				continue;
			}
			commit.accept(commits);
			committedAt[commits] = System.nanoTime();
			commits++;
			progress.accept(commits);
			next = (pacing == Pacing.SCHEDULED) ? start + commits * period
					: Math.max(next + period, System.nanoTime() - period);
		}
		long finished = System.nanoTime();
		// A scheduled run is offered a commit per period until the end: one that kept up wrote for
		// exactly the duration, one that fell behind until its last commit returned.
		long writeNanos = finished - start;
		if (pacing == Pacing.SCHEDULED && period > 0 && commits > 0) {
			writeNanos = Math.max(end, committedAt[commits - 1]) - start;
		}
		return new Result(commits, writeNanos);
	}

	/**
	 * @param commits how many commits were made
	 * @param writeNanos how long the writing took
	 */
	record Result(int commits, long writeNanos) {
	}

}
