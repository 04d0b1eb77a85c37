package io.kiwistack.db.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.kiwistack.db.replication.ReadReplication;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Read replica lag while streaming (issue 15), a timed run in the report's JVM: the primary and
 * one read replica of a {@link WebCluster}, the replica streaming the primary's transactions over
 * HTTP from its peer endpoint on Tomcat. One writer commits a single-row transaction every
 * {@value #COMMIT_EVERY_MILLIS} ms on the primary, its sequence number in the row, and records
 * when each commit returned; a reader thread on the replica reads the newest sequence number
 * through the replica's JdbcClient about every {@value #READ_EVERY_MILLIS} ms and records when each
 * first became visible. The lag of commit k is the difference, as in {@link FollowerLag}, whose
 * replica polls storage instead.
 */
final class StreamingLag {

	static final int COMMIT_EVERY_MILLIS = 25;

	/** Finer than {@link FollowerLag}'s: the targets are milliseconds, not seconds. */
	static final int READ_EVERY_MILLIS = 1;

	/** The targets of issue 15. */
	static final Duration P50_LIMIT = Duration.ofMillis(20);

	static final Duration P99_LIMIT = Duration.ofMillis(100);

	/**
	 * Paced commits before measuring, once the replica streams: the first seconds of a fresh
	 * replica's stream (its apply path, Tomcat's and the client's compiled) lagged 100-400 ms.
	 */
	static final Duration WARMUP = Duration.ofSeconds(3);

	private static final String TITLE = "streamed";

	private static final String NEWEST = "SELECT qty FROM item WHERE title = '" + TITLE + "' ORDER BY id DESC LIMIT 1";

	private StreamingLag() {
	}

	/** Steady writes on the cluster's primary for {@code duration}, a commit every {@code every}. */
	static Result run(WebCluster cluster, WebCluster.Node replica, Duration duration, Duration every)
			throws InterruptedException {
		ItemStore store = cluster.primary().store();
		ReadReplication follower = replica.readReplication();
		PacedCommits.run(WARMUP, every, new long[(int) (WARMUP.toNanos() / every.toNanos()) + 16],
				(n) -> store.insert("warmup", n), (count) -> {
				});
		int capacity = (int) (duration.toNanos() / every.toNanos()) + 16;
		long[] committedAt = new long[capacity];
		Reader reader = new Reader(replica.jdbc(), follower, capacity);
		Thread readerThread = new Thread(reader, "streaming-lag-reader");
		readerThread.setDaemon(true);
		readerThread.setPriority(Thread.MAX_PRIORITY);
		readerThread.start();
		PacedCommits.Result written;
		try {
			// Sequence numbers start at 1: the reader reads 0 before the first is visible.
			written = PacedCommits.run(duration, every, committedAt, (n) -> store.insert(TITLE, n + 1),
					(count) -> reader.committed = count);
		}
		finally {
			reader.writerDone = true;
		}
		readerThread.join();
		if (reader.failure.get() != null) {
			throw new IllegalStateException("The streaming lag reader failed", reader.failure.get());
		}
		int commits = written.commits();
		int seen = Math.min(reader.seen, commits);
		double[] lags = new double[seen];
		for (int k = 0; k < seen; k++) {
			lags[k] = Math.max(0, reader.seenAt[k] - committedAt[k]) / 1e6;
		}
		// Commits over the p99 target, and how many separate stalls they came in (commits in a row).
		int slow = 0;
		int stalls = 0;
		for (int k = 0; k < seen; k++) {
			if (lags[k] > P99_LIMIT.toMillis()) {
				slow++;
				if (k == 0 || lags[k - 1] <= P99_LIMIT.toMillis()) {
					stalls++;
				}
			}
		}
		Arrays.sort(lags);
		double[] late = Arrays.copyOf(reader.lateWake, reader.wakeups);
		Arrays.sort(late);
		return new Result(every, duration, commits, seen, commits / (written.writeNanos() / 1e9),
				ReplicationRuns.percentile(lags, 0.50), ReplicationRuns.percentile(lags, 0.99),
				(seen > 0) ? lags[seen - 1] : Double.NaN, reader.reads, reader.readErrors, reader.firstReadError,
				reader.longestReadNanos / 1e6, reader.notStreaming, follower.streaming(),
				ReplicationRuns.percentile(late, 0.50), ReplicationRuns.percentile(late, 0.99),
				(late.length > 0) ? late[late.length - 1] : Double.NaN, slow, stalls);
	}

	/**
	 * Reads the newest sequence number on the replica about every {@value #READ_EVERY_MILLIS} ms,
	 * notes when each first became visible, and whether the replica was streaming at each read.
	 */
	private static final class Reader implements Runnable {

		/** Once the writer is done, how long the rest may take to arrive: seconds, where milliseconds are expected. */
		private static final Duration DRAIN = Duration.ofSeconds(5);

		private final JdbcClient replica;

		private final ReadReplication follower;

		final long[] seenAt;

		volatile int committed;

		volatile boolean writerDone;

		int seen;

		long reads;

		long readErrors;

		String firstReadError;

		long longestReadNanos;

		long notStreaming;

		/** How late each park woke, in ms: what the machine's other load adds to any wait here. */
		final double[] lateWake = new double[1 << 20];

		int wakeups;

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		Reader(JdbcClient replica, ReadReplication follower, int capacity) {
			this.replica = replica;
			this.follower = follower;
			this.seenAt = new long[capacity];
		}

		@Override
		public void run() {
			try {
				long deadline = Long.MAX_VALUE;
				while (true) {
					boolean done = this.writerDone;
					long before = System.nanoTime();
					int newest = -1;
					try {
						newest = this.replica.sql(NEWEST).query(Integer.class).optional().orElse(0);
					}
					catch (RuntimeException ex) {
						this.readErrors++;
						if (this.firstReadError == null) {
							this.firstReadError = ex.getMessage();
						}
					}
					long now = System.nanoTime();
					this.reads++;
					this.longestReadNanos = Math.max(this.longestReadNanos, now - before);
					int covered = Math.min(newest, this.seenAt.length);
					for (int k = this.seen; k < covered; k++) {
						this.seenAt[k] = now;
					}
					this.seen = Math.max(this.seen, covered);
					if (!this.follower.streaming()) {
						this.notStreaming++;
					}
					if (done) {
						if (this.seen >= this.committed) {
							return;
						}
						if (deadline == Long.MAX_VALUE) {
							deadline = now + DRAIN.toNanos();
						}
						else if (now > deadline) {
							return;
						}
					}
					long parked = System.nanoTime();
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(READ_EVERY_MILLIS));
					long late = System.nanoTime() - parked - TimeUnit.MILLISECONDS.toNanos(READ_EVERY_MILLIS);
					if (this.wakeups < this.lateWake.length) {
						this.lateWake[this.wakeups++] = Math.max(0, late) / 1e6;
					}
				}
			}
			catch (Throwable ex) {
				this.failure.set(ex);
			}
		}

	}

	/**
	 * The streaming lag run's results, times in milliseconds.
	 * @param notStreaming reads at which the replica was not streaming (polling storage instead)
	 * @param streamingAtEnd whether it streamed when the run ended
	 * @param lateWakeP50 how late the reader's 1 ms parks woke, median: the machine's scheduling delay
	 * @param slowCommits commits that lagged more than the p99 target
	 * @param stalls how many runs of consecutive such commits they came in
	 */
	record Result(Duration commitEvery, Duration duration, int commits, int seen, double commitsPerSecond, double p50,
			double p99, double max, long reads, long readErrors, String firstReadError, double longestReadMillis,
			long notStreaming, boolean streamingAtEnd, double lateWakeP50, double lateWakeP99, double lateWakeMax,
			int slowCommits, int stalls) {

		/** Every commit seen, no read failed, and the replica streamed throughout: the figures are of streaming. */
		boolean valid() {
			return this.seen == this.commits && this.commits > 0 && this.readErrors == 0 && this.notStreaming == 0
					&& this.streamingAtEnd;
		}

		boolean p50Met() {
			return valid() && this.p50 <= P50_LIMIT.toMillis();
		}

		boolean p99Met() {
			return valid() && this.p99 <= P99_LIMIT.toMillis();
		}

	}

}
