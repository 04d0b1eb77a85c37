package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A follower's request acknowledges the commits a scan covered once it asks from at or past the
 * scan's end: within a log index, across the end of one (named by its end, or by the next one's
 * start), and from a later generation; never from short of the end.
 */
class FollowerAcknowledgementsTests {

	private static final String EARLIER = "0000018d00000001";

	private static final String LATER = "0000018d00000002";

	private final FollowerAcknowledgements acknowledgements = new FollowerAcknowledgements();

	@Test
	void aFollowerAcknowledgesAScanOnlyFromItsEndOn() throws Exception {
		this.acknowledgements.start();
		long committed = commit(2);
		this.acknowledgements.scanned(committed, new Position(EARLIER, 0, 8272));
		this.acknowledgements.asked(new Position(EARLIER, 0, 4152));
		assertThat(acknowledged(committed)).isFalse();
		this.acknowledgements.asked(new Position(EARLIER, 0, 8272));
		assertThat(acknowledged(committed)).isTrue();
		assertThat(this.acknowledgements.furthest()).isEqualTo(new Position(EARLIER, 0, 8272));
	}

	@Test
	void aFollowerAtTheStartOfTheNextLogIndexHoldsTheEndOfThePreviousOne() throws Exception {
		this.acknowledgements.start();
		long first = commit(1);
		this.acknowledgements.scanned(first, new Position(EARLIER, 3, 8272));
		long second = commit(1);
		// The log restarted and nothing is committed in the new index yet.
		this.acknowledgements.scanned(second, new Position(EARLIER, 4, 0));
		// A follower at the end of index 3 asks, and the live log names that the start of index 4.
		this.acknowledgements.asked(new Position(EARLIER, 4, 0));
		assertThat(acknowledged(second)).isTrue();
	}

	@Test
	void aFollowerInALaterGenerationHoldsEveryCommitOfTheEarlierOne() throws Exception {
		this.acknowledgements.start();
		long committed = commit(3);
		this.acknowledgements.scanned(committed, new Position(EARLIER, 7, 123456));
		this.acknowledgements.asked(new Position(EARLIER, 7, 4152));
		assertThat(acknowledged(committed)).isFalse();
		// The later generation began with a snapshot of the database, holding all of them.
		this.acknowledgements.asked(new Position(LATER, 0, 32));
		assertThat(acknowledged(committed)).isTrue();
		assertThat(this.acknowledgements.furthest()).isEqualTo(new Position(LATER, 0, 32));
	}

	@Test
	void commitsAfterAScanWaitForTheNextScanAndAFollowerPastIt() throws Exception {
		this.acknowledgements.start();
		long scannedCommits = commit(1);
		this.acknowledgements.scanned(scannedCommits, new Position(EARLIER, 0, 4152));
		long later = commit(1);
		this.acknowledgements.asked(new Position(EARLIER, 0, 4152));
		assertThat(acknowledged(scannedCommits)).isTrue();
		assertThat(acknowledged(later)).as("committed after the scan, which may not hold it").isFalse();
		this.acknowledgements.scanned(later, new Position(EARLIER, 0, 8272));
		this.acknowledgements.asked(new Position(EARLIER, 0, 8272));
		assertThat(acknowledged(later)).isTrue();
	}

	@Test
	void stoppingLetsAWaitingCommitterGoAndOffNothingIsCounted() throws Exception {
		this.acknowledgements.committed();
		assertThat(this.acknowledgements.committedSoFar()).as("off").isZero();
		this.acknowledgements.start();
		long committed = commit(1);
		AtomicBoolean returned = new AtomicBoolean();
		Thread waiter = new Thread(() -> {
			try {
				returned.set(this.acknowledgements.awaitAcknowledged(committed,
						System.nanoTime() + Duration.ofSeconds(30).toNanos()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		waiter.start();
		Thread.sleep(100);
		this.acknowledgements.stop();
		waiter.join(Duration.ofSeconds(5).toMillis());
		assertThat(waiter.isAlive()).isFalse();
		assertThat(returned).isTrue();
	}

	@Test
	void eachWaitingCommitterReturnsOnceItsOwnCommitIsAcknowledgedAndNotBefore() throws Exception {
		this.acknowledgements.start();
		int committers = 32;
		long[] counts = new long[committers];
		for (int i = 0; i < committers; i++) {
			counts[i] = commit(1);
		}
		this.acknowledgements.scanned(counts[committers / 2 - 1], new Position(EARLIER, 0, 4152));
		this.acknowledgements.scanned(counts[committers - 1], new Position(EARLIER, 0, 8272));
		ConcurrentLinkedQueue<Long> returned = new ConcurrentLinkedQueue<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch started = new CountDownLatch(committers);
		List<Thread> threads = new ArrayList<>();
		for (long count : counts) {
			Thread thread = new Thread(() -> {
				started.countDown();
				try {
					if (this.acknowledgements.awaitAcknowledged(count, System.nanoTime() + Duration.ofSeconds(30).toNanos())) {
						returned.add(count);
					}
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			threads.add(thread);
			thread.start();
		}
		started.await();
		Thread.sleep(100);
		assertThat(returned).isEmpty();
		this.acknowledgements.asked(new Position(EARLIER, 0, 4152));
		awaitReturned(returned, committers / 2);
		Thread.sleep(100);
		assertThat(returned).as("acknowledged only up to the first scan").hasSize(committers / 2)
			.allSatisfy((count) -> assertThat(count).isLessThanOrEqualTo(counts[committers / 2 - 1]));
		this.acknowledgements.asked(new Position(EARLIER, 0, 8272));
		for (Thread thread : threads) {
			thread.join(Duration.ofSeconds(10).toMillis());
		}
		assertThat(failure.get()).isNull();
		assertThat(returned).hasSize(committers);
	}

	@Test
	void anInterruptEndsTheWaitWithInterruptedException() throws Exception {
		this.acknowledgements.start();
		long committed = commit(1);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				this.acknowledgements.awaitAcknowledged(committed, System.nanoTime() + Duration.ofSeconds(30).toNanos());
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		waiter.start();
		Thread.sleep(100);
		waiter.interrupt();
		waiter.join(Duration.ofSeconds(5).toMillis());
		assertThat(waiter.isAlive()).isFalse();
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
	}

	private static void awaitReturned(ConcurrentLinkedQueue<Long> returned, int size) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (returned.size() < size && System.nanoTime() - deadline < 0) {
			Thread.sleep(5);
		}
	}

	private long commit(int commits) {
		for (int i = 0; i < commits; i++) {
			this.acknowledgements.committed();
		}
		return this.acknowledgements.committedSoFar();
	}

	private boolean acknowledged(long commits) throws InterruptedException {
		return this.acknowledgements.awaitAcknowledged(commits, System.nanoTime());
	}

}
