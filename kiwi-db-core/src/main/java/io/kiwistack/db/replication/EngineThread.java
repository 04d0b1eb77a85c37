package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one daemon thread a replication engine does all its work on, so its state needs no locks:
 * scheduled rounds, and work that callers hand over and wait for.
 */
final class EngineThread {

	private final ScheduledExecutorService executor;

	EngineThread(String name) {
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Run {@code round} every {@code delay} after the previous one ends, the first after {@code initialDelay}. */
	void every(Duration delay, Duration initialDelay, Runnable round) {
		this.executor.scheduleWithFixedDelay(round, initialDelay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Run {@code round} on the clock: a round starts every {@code period} from {@code initialDelay}
	 * on, however long each takes, and one that overran skips the beats it missed instead of running
	 * them back to back. A sync or poll interval is a promise to whoever waits on the other side:
	 * after each round's work, a fixed delay moved the next one later, and a read replica that
	 * started polling 900 ms after the primary's syncs polled 950 ms after them twenty seconds on,
	 * with its lag's p99 just over the sum of the two intervals.
	 */
	void onTheBeat(Duration period, Duration initialDelay, Runnable round) {
		long periodNanos = period.toNanos();
		this.executor.scheduleAtFixedRate(new Runnable() {

			/** A period before now: the first beat always runs. */
			private long lastStart = System.nanoTime() - periodNanos;

			@Override
			public void run() {
				long now = System.nanoTime();
				// A beat that fell due while the round before overran comes at once after it.
				if (now - this.lastStart < periodNanos / 2) {
					return;
				}
				this.lastStart = now;
				round.run();
			}

		}, initialDelay.toNanos(), periodNanos, TimeUnit.NANOSECONDS);
	}

	/** Run {@code work} on the thread when it is free, without waiting; refused quietly once stopped. */
	void submit(Runnable work) {
		try {
			this.executor.execute(work);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// Stopped: nothing more runs.
		}
	}

	/**
	 * Run {@code work} on the thread and wait for it.
	 * @param timeout how long to wait, {@code null} for as long as it takes
	 * @param what what the work is, for messages
	 * @throws ReplicaException when it fails, or does not finish in time
	 */
	void runAndWait(Callable<?> work, Duration timeout, String what) {
		Future<?> future = this.executor.submit(work);
		try {
			if (timeout == null) {
				future.get();
			}
			else {
				future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ReplicaException("Interrupted while waiting for " + what, ex);
		}
		catch (TimeoutException ex) {
			throw new ReplicaException(capitalized(what) + " did not finish within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof ReplicaException replicaException) {
				throw replicaException;
			}
			throw new ReplicaException(capitalized(what) + " failed: " + cause.getMessage(), cause);
		}
	}

	/** Cancel scheduled rounds, and let one under way finish (for up to 30 seconds): stopping it half way could leave state behind. */
	void stop() {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(30, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
		}
	}

	/** Cancel scheduled rounds without waiting. */
	void stopNow() {
		this.executor.shutdown();
	}

	private static String capitalized(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

}
