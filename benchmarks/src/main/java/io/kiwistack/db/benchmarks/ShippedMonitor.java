package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The replicated side of a timed run: polls how many transactions a shipper has shipped about
 * every millisecond and notes when each commit was first covered; optionally samples the size of
 * the database's {@code -wal} as it goes.
 */
final class ShippedMonitor implements Runnable {

	/** How many transactions the shipper has shipped so far. */
	@FunctionalInterface
	interface ShippedCount {

		long read() throws IOException;

	}

	private final ShippedCount shipped;

	private final long baseline;

	private final Duration settle;

	private final Path wal;

	final long[] seenAt;

	volatile int committed;

	volatile boolean writerDone;

	int seen;

	long lastShipped;

	long polls;

	long pollNanos;

	long longestPollNanos;

	long largestWalBytes;

	final AtomicReference<Throwable> failure = new AtomicReference<>();

	/**
	 * @param shipped the shipper's count
	 * @param baseline its count before the first commit measured
	 * @param capacity the most commits the run makes
	 * @param settle how long to wait, once the writer is done, for the last commits to be shipped
	 * @param wal the {@code -wal} file to sample, or null
	 */
	ShippedMonitor(ShippedCount shipped, long baseline, int capacity, Duration settle, Path wal) {
		this.shipped = shipped;
		this.baseline = baseline;
		this.seenAt = new long[capacity];
		this.settle = settle;
		this.wal = wal;
	}

	/** Start polling on a daemon thread of high priority, so that it sees shipping when it happens. */
	Thread start(String name) {
		Thread thread = new Thread(this, name);
		thread.setDaemon(true);
		thread.setPriority(Thread.MAX_PRIORITY);
		thread.start();
		return thread;
	}

	@Override
	public void run() {
		try {
			long deadline = Long.MAX_VALUE;
			while (true) {
				boolean done = this.writerDone;
				long before = System.nanoTime();
				long shipped = this.shipped.read() - this.baseline;
				long now = System.nanoTime();
				this.polls++;
				this.pollNanos += now - before;
				this.longestPollNanos = Math.max(this.longestPollNanos, now - before);
				this.lastShipped = shipped;
				int covered = (int) Math.min(shipped, this.seenAt.length);
				for (int k = this.seen; k < covered; k++) {
					this.seenAt[k] = now;
				}
				this.seen = Math.max(this.seen, covered);
				if (this.wal != null) {
					this.largestWalBytes = Math.max(this.largestWalBytes, sizeOf(this.wal));
				}
				if (done) {
					if (this.seen >= this.committed) {
						return;
					}
					if (deadline == Long.MAX_VALUE) {
						deadline = now + this.settle.toNanos();
					}
					else if (now > deadline) {
						return;
					}
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
		}
		catch (Throwable ex) {
			this.failure.set(ex);
		}
	}

	/** Wait for the monitor to finish, failing if it failed. */
	void await(Thread thread) throws InterruptedException {
		thread.join();
		if (this.failure.get() != null) {
			throw new IllegalStateException("The replication monitor failed", this.failure.get());
		}
	}

	/** Transactions counted beyond the commits made: should be 0. */
	long shippedBeyond(int commits) {
		return Math.max(0, this.lastShipped - commits);
	}

	/** Commit-to-shipped latencies of the commits seen, in milliseconds, sorted. */
	double[] latencyMillis(long[] committedAt, int commits) {
		int seen = Math.min(this.seen, commits);
		double[] latencies = new double[seen];
		for (int k = 0; k < seen; k++) {
			latencies[k] = Math.max(0, this.seenAt[k] - committedAt[k]) / 1e6;
		}
		java.util.Arrays.sort(latencies);
		return latencies;
	}

	static long sizeOf(Path file) throws IOException {
		try {
			return Files.size(file);
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
	}

}
