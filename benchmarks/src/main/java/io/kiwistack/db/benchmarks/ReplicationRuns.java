package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.Position;
import io.kiwistack.db.replication.ReplicationStatus;

/**
 * The replication figures that are not throughputs, measured by plain timed runs in the report's
 * own JVM (the same run as the JMH figures), each over a fresh kiwi-db context with a directory
 * replica in its temporary directory at the default sync interval:
 * <ul>
 * <li><b>commit-to-replicated latency</b>: one writer commits a single-row transaction every
 * {@value #COMMIT_EVERY_MILLIS} ms and records when each commit returned; a monitor thread polls
 * {@link PrimaryReplication#status()} about every millisecond and records when
 * {@code transactionsShipped()} (counted from a baseline taken after an initial
 * {@code syncNow()}) first covers each commit. The latency of commit k is the difference;</li>
 * <li><b>the longest checkpoint barrier under heavy load</b>: one writer commits transactions of
 * {@value #ROWS_PER_TX} rows of {@value #ROW_BYTES} incompressible bytes, so the log crosses the
 * replicator's checkpoint threshold at every sync: first at a steady {@value #PACED_TX_PER_SECOND}
 * transactions a second ({@value #PACED_TX_PER_SECOND} x 64 KiB = 8 MiB/s of rows, a rate the
 * replicator can keep up with), then as fast as the writer can (the worst case: the log grows by
 * whatever the writer manages between syncs). Each is reported with the load's throughput and the
 * write transaction times the writer saw; the unthrottled load also runs with replication off, for
 * comparison;</li>
 * <li><b>read replica lag</b>: a read replica follows the replica under steady writes; see
 * {@link FollowerLag}.</li>
 * </ul>
 */
final class ReplicationRuns {

	static final int COMMIT_EVERY_MILLIS = 2;

	static final int ROWS_PER_TX = 64;

	static final int ROW_BYTES = 1024;

	/** The paced heavy load's rate. */
	static final int PACED_TX_PER_SECOND = 128;

	/** Distinct transaction payloads cycled through: 8 MiB, far more than LZ4's 64 KiB window. */
	private static final int DISTINCT_PAYLOADS = 128;

	/** What the polled latency is allowed over the sync interval (issue 5). */
	static final Duration LATENCY_ALLOWANCE = Duration.ofMillis(100);

	/** The lines printed (key, what it is), in order; every one is printed even when missing. */
	static final List<Line> LINES = List.of(
			new Line("latency.p50", "commit-to-replicated latency, p50"),
			new Line("latency.p99", "commit-to-replicated latency, p99"),
			new Line("latency.max", "commit-to-replicated latency, max"),
			new Line("latency.run", "latency run: commits measured / seen replicated, rate"),
			new Line("latency.barrier", "latency run: longest checkpoint barrier (steady writes)"),
			new Line("follower.p50", "read replica lag (commit to visible on the replica), p50"),
			new Line("follower.p99", "read replica lag (commit to visible on the replica), p99"),
			new Line("follower.max", "read replica lag (commit to visible on the replica), max"),
			new Line("follower.run", "read replica lag run: commits / visible, rate, phase, reads"),
			new Line("barrier.paced", "longest checkpoint barrier, heavy load at 8 MiB/s, repl. on"),
			new Line("paced.on", "heavy load at 8 MiB/s, replication on: throughput"),
			new Line("paced.on.tx", "heavy load at 8 MiB/s, replication on: write tx p99 / longest"),
			new Line("barrier.max", "longest checkpoint barrier, heavy load unthrottled, repl. on"),
			new Line("heavy.on", "heavy load unthrottled, replication on: throughput"),
			new Line("heavy.on.tx", "heavy load unthrottled, replication on: write tx p99 / longest"),
			new Line("heavy.off", "heavy load unthrottled, replication off: throughput"),
			new Line("heavy.off.tx", "heavy load unthrottled, replication off: write tx p99 / longest"));

	private ReplicationRuns() {
	}

	/** The latency run, the read replica lag run, then the heavy-load runs, with a line of progress each. */
	static Result run(ReportOptions options, PrintStream progress)
			throws SQLException, IOException, InterruptedException {
		progress.println("replication: commit-to-replicated latency run, " + ReportOptions.format(options.latencyRunTime())
				+ " ...");
		progress.flush();
		Latency latency = latency(options.latencyRunTime(), Duration.ofMillis(COMMIT_EVERY_MILLIS));
		progress.println("replication: read replica lag run, " + ReportOptions.format(options.latencyRunTime()) + " ...");
		progress.flush();
		FollowerLag.Result follower = FollowerLag.run(options.latencyRunTime(),
				Duration.ofMillis(FollowerLag.COMMIT_EVERY_MILLIS));
		progress.println("replication: heavy-load runs, paced with replication on, then unthrottled with it on and off, "
				+ ReportOptions.format(options.heavyLoadRunTime()) + " each ...");
		progress.flush();
		HeavyLoad paced = heavyLoad(true, options.heavyLoadRunTime(), PACED_TX_PER_SECOND);
		HeavyLoad on = heavyLoad(true, options.heavyLoadRunTime(), 0);
		HeavyLoad off = heavyLoad(false, options.heavyLoadRunTime(), 0);
		return new Result(latency, follower, paced, on, off);
	}

	/**
	 * Steady single-row commits, one every {@code every}, for {@code duration}: when each was
	 * committed, and when the replicator's shipped count first covered it.
	 */
	static Latency latency(Duration duration, Duration every) throws SQLException, InterruptedException {
		try (SpringDatabase database = SpringDatabase.start(SpringDatabase.Kind.KIWI_REPLICATED, 0)) {
			ItemStore store = database.store();
			PrimaryReplication replicator = database.replicator();
			Duration syncInterval = database.syncInterval();
			// Warm the write path up, then ship it all: transactions are counted from here.
			for (int i = 0; i < 2000; i++) {
				store.insert("warmup", i);
			}
			replicator.syncNow();
			long baseline = replicator.status().transactionsShipped();

			int capacity = (int) (duration.toNanos() / every.toNanos()) + 16;
			long[] committedAt = new long[capacity];
			// The scheduled syncs ship the rest once the writer is done; a few intervals is plenty.
			ShippedMonitor monitor = new ShippedMonitor(() -> replicator.status().transactionsShipped(), baseline,
					capacity, syncInterval.multipliedBy(3).plusSeconds(5), null);
			Thread monitorThread = monitor.start("replication-latency-monitor");

			PacedCommits.Result written;
			try {
				written = PacedCommits.run(duration, every, committedAt, (n) -> store.insert("replicated", n),
						(count) -> monitor.committed = count);
			}
			finally {
				monitor.writerDone = true;
			}
			int commits = written.commits();
			long writeNanos = written.writeNanos();
			monitor.await(monitorThread);
			ReplicationStatus status = replicator.status();

			double[] latencies = monitor.latencyMillis(committedAt, commits);
			int seen = latencies.length;
			return new Latency(syncInterval, every, duration, commits, seen, commits / (writeNanos / 1e9),
					percentile(latencies, 0.50), percentile(latencies, 0.99),
					(seen > 0) ? latencies[seen - 1] : Double.NaN, monitor.shippedBeyond(commits),
					monitor.polls, monitor.pollNanos / 1e3 / Math.max(1, monitor.polls), monitor.longestPollNanos / 1e6,
					status.longestCheckpointBarrier());
		}
	}

	/**
	 * Transactions of {@value #ROWS_PER_TX} rows of {@value #ROW_BYTES} incompressible bytes for
	 * {@code duration}, with replication on or off: {@code txPerSecond} a second, or back to back
	 * when it is 0.
	 */
	static HeavyLoad heavyLoad(boolean replicated, Duration duration, int txPerSecond) throws SQLException {
		SpringDatabase.Kind kind = replicated ? SpringDatabase.Kind.KIWI_REPLICATED : SpringDatabase.Kind.KIWI;
		try (SpringDatabase database = SpringDatabase.start(kind, 0)) {
			ItemStore store = database.store();
			store.createPayloadTable();
			byte[][][] payloads = payloads();
			for (int i = 0; i < 20; i++) {
				store.insertPayloads(payloads[i % DISTINCT_PAYLOADS]);
			}
			PrimaryReplication replicator = replicated ? database.replicator() : null;
			if (replicator != null) {
				replicator.syncNow();
			}
			Position before = (replicator != null) ? replicator.status().position() : null;

			long[] txNanos = new long[1024];
			int transactions = 0;
			long period = (txPerSecond > 0) ? 1_000_000_000L / txPerSecond : 0;
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			long next = start;
			long now = start;
			while (now < end) {
				if (now < next) {
					LockSupport.parkNanos(next - now);
					now = System.nanoTime();
					continue;
				}
				store.insertPayloads(payloads[transactions % DISTINCT_PAYLOADS]);
				long committed = System.nanoTime();
				if (transactions == txNanos.length) {
					txNanos = Arrays.copyOf(txNanos, txNanos.length * 2);
				}
				txNanos[transactions++] = committed - now;
				now = committed;
				next = Math.max(next + period, now - period);
			}
			double seconds = (now - start) / 1e9;

			Duration barrier = null;
			long logRestarts = -1;
			boolean newGeneration = false;
			long catchUpNanos = -1;
			if (replicator != null) {
				// Barriers of this load only: the catch-up below checkpoints with the writer idle.
				barrier = replicator.status().longestCheckpointBarrier();
				long catchUp = System.nanoTime();
				replicator.syncNow();
				catchUpNanos = System.nanoTime() - catchUp;
				ReplicationStatus status = replicator.status();
				if (status.lastError() != null) {
					throw new IllegalStateException("Replication failed under heavy load: " + status);
				}
				Position after = status.position();
				newGeneration = before == null || after == null || !before.generation().equals(after.generation());
				logRestarts = newGeneration ? -1 : after.index() - before.index();
			}
			double[] millis = new double[transactions];
			for (int i = 0; i < transactions; i++) {
				millis[i] = txNanos[i] / 1e6;
			}
			Arrays.sort(millis);
			return new HeavyLoad(replicated, txPerSecond, transactions, transactions / seconds,
					(double) transactions * ROWS_PER_TX * ROW_BYTES / (1024 * 1024) / seconds, percentile(millis, 0.99),
					(transactions > 0) ? millis[transactions - 1] : Double.NaN, barrier, logRestarts, newGeneration,
					catchUpNanos / 1e6);
		}
	}

	private static byte[][][] payloads() {
		SplittableRandom random = new SplittableRandom(5);
		byte[][][] payloads = new byte[DISTINCT_PAYLOADS][ROWS_PER_TX][ROW_BYTES];
		for (byte[][] transaction : payloads) {
			for (byte[] row : transaction) {
				random.nextBytes(row);
			}
		}
		return payloads;
	}

	/** Nearest-rank percentile of sorted values; NaN when there are none. */
	static double percentile(double[] sorted, double fraction) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(fraction * sorted.length);
		return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
	}

	/** A printed line: a short stable key and what it is. */
	record Line(String key, String label) {
	}

	/** The latency run's results, latencies in milliseconds. */
	record Latency(Duration syncInterval, Duration commitEvery, Duration duration, int commits, int seen,
			double commitsPerSecond, double p50, double p99, double max, long shippedBeyond, long polls,
			double meanPollMicros, double longestPollMillis, Duration longestBarrier) {

		/** The p99 allowed: the sync interval plus {@link #LATENCY_ALLOWANCE}. */
		double limitMillis() {
			return this.syncInterval.plus(LATENCY_ALLOWANCE).toNanos() / 1e6;
		}

		/** Met when every commit was seen replicated and p99 is within the limit. */
		boolean met() {
			return this.seen == this.commits && this.commits > 0 && !Double.isNaN(this.p99) && this.p99 <= limitMillis();
		}

	}

	/** One heavy-load run; the replication fields are null / -1 with replication off. */
	record HeavyLoad(boolean replicated, int pacedTxPerSecond, int transactions, double transactionsPerSecond, double mebibytesPerSecond,
			double p99TxMillis, double longestTxMillis, Duration longestBarrier, long logRestarts,
			boolean newGeneration, double catchUpMillis) {
	}

	/** Everything the timed runs measured. */
	record Result(Latency latency, FollowerLag.Result follower, HeavyLoad paced, HeavyLoad heavyOn, HeavyLoad heavyOff) {

		/** The value printed for a line's key. */
		String value(String key) {
			Latency l = this.latency;
			return switch (key) {
				case "latency.p50" -> ms(l.p50());
				case "latency.p99" -> ms(l.p99());
				case "latency.max" -> ms(l.max());
				case "latency.run" -> String.format(Locale.ROOT,
						"%d / %d, %.1f commits/s (one per %d ms for %s); status() polled %d times, mean %.0f us, longest %.1f ms%s",
						l.commits(), l.seen(), l.commitsPerSecond(), l.commitEvery().toMillis(),
						ReportOptions.format(l.duration()), l.polls(), l.meanPollMicros(), l.longestPollMillis(),
						(l.shippedBeyond() > 0) ? "; " + l.shippedBeyond() + " more shipped than committed!" : "");
				case "latency.barrier" -> ms(millis(l.longestBarrier()));
				case "follower.p50" -> ms(this.follower.p50());
				case "follower.p99" -> ms(this.follower.p99());
				case "follower.max" -> ms(this.follower.max());
				case "follower.run" -> followerRun(this.follower);
				case "barrier.paced" -> ms(millis(this.paced.longestBarrier()));
				case "paced.on" -> throughput(this.paced) + replicated(this.paced);
				case "paced.on.tx" -> tx(this.paced);
				case "barrier.max" -> ms(millis(this.heavyOn.longestBarrier()));
				case "heavy.on" -> throughput(this.heavyOn) + replicated(this.heavyOn);
				case "heavy.on.tx" -> tx(this.heavyOn);
				case "heavy.off" -> throughput(this.heavyOff);
				case "heavy.off.tx" -> tx(this.heavyOff);
				default -> throw new IllegalArgumentException("No replication line " + key);
			};
		}

		/** Heavy-load throughput, replication on / off (not a target). */
		double heavyRatio() {
			return this.heavyOn.transactionsPerSecond() / this.heavyOff.transactionsPerSecond();
		}

		private static String throughput(HeavyLoad load) {
			return String.format(Locale.ROOT, "%.1f tx/s, %.1f MiB/s (%d x %d B rows per tx, %s)",
					load.transactionsPerSecond(), load.mebibytesPerSecond(), ROWS_PER_TX, ROW_BYTES,
					(load.pacedTxPerSecond() > 0) ? "paced at " + load.pacedTxPerSecond() + " tx/s" : "unthrottled");
		}

		private static String replicated(HeavyLoad load) {
			return String.format(Locale.ROOT, "; log restarted after a checkpoint: %s; the backlog shipped in %.1f ms after",
					load.newGeneration() ? "? (new generation!)" : load.logRestarts() + " x", load.catchUpMillis());
		}

		private static String followerRun(FollowerLag.Result f) {
			return String.format(Locale.ROOT,
					"%d / %d, %.1f commits/s (one per %d ms for %s; sync %s, poll %s); applied a median %s after "
							+ "each primary sync; %d replica reads, longest %s, %d failed%s",
					f.commits(), f.seen(), f.commitsPerSecond(), f.commitEvery().toMillis(),
					ReportOptions.format(f.duration()), ReportOptions.format(f.syncInterval()),
					ReportOptions.format(f.pollInterval()), ms(f.applyAfterSyncP50()), f.reads(),
					ms(f.longestReadMillis()), f.readErrors(),
					(f.firstReadError() != null) ? " (first: " + f.firstReadError() + ")!" : "");
		}

		private static String tx(HeavyLoad load) {
			return ms(load.p99TxMillis()) + " / " + ms(load.longestTxMillis());
		}

		static double millis(Duration duration) {
			return (duration != null) ? duration.toNanos() / 1e6 : Double.NaN;
		}

		static String ms(double millis) {
			return Double.isNaN(millis) ? "n/a ms" : String.format(Locale.ROOT, "%.1f ms", millis);
		}

	}

}
