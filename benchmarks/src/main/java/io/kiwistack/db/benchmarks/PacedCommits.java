package io.kiwistack.db.benchmarks;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * One thread committing at a steady pace for a while, recording when each commit returned: the
 * writer side of the timed replication runs.
 */
final class PacedCommits {

	private PacedCommits() {
	}

	/**
	 * Commit every {@code every} for {@code duration}, at most {@code committedAt.length} times.
	 * @param commit makes commit number {@code n} (from 0)
	 * @param progress told the number of commits made after each one
	 * @return what was done
	 */
	static Result run(Duration duration, Duration every, long[] committedAt, IntConsumer commit, IntConsumer progress) {
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
			// A steady rate: after a stall, carry on from now instead of catching up in a burst.
			next = Math.max(next + period, System.nanoTime() - period);
		}
		return new Result(commits, System.nanoTime() - start);
	}

	/**
	 * @param commits how many commits were made
	 * @param writeNanos how long the writing took
	 */
	record Result(int commits, long writeNanos) {
	}

}
