package io.kiwistack.db.replication;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import io.kiwistack.db.CommitWatch;

/**
 * A primary's commits with {@code commit-ack} {@link CommitAck.Mode#REPLICA}: each thread that
 * committed waits, once it gave the writer back, until a follower has asked for the log from past
 * everything committed when it looked (so the follower holds its commit), at most the timeout. A
 * commit that waits in vain still returns, being durable in the local file; it is counted, and
 * acknowledgements count as failing from then until a commit is acknowledged in time again.
 */
final class AcknowledgedCommits implements CommitWatch.Acknowledgement {

	private static final System.Logger logger = System.getLogger(AcknowledgedCommits.class.getName());

	private final FollowerAcknowledgements followers;

	private final Duration timeout;

	private final Clock clock;

	private final LongAdder timeouts = new LongAdder();

	private volatile Instant lastTimeout;

	/** Whether the latest wait to end timed out: the primary's health says so until one does not. */
	private volatile boolean failing;

	AcknowledgedCommits(FollowerAcknowledgements followers, Duration timeout, Clock clock) {
		this.followers = followers;
		this.timeout = timeout;
		this.clock = clock;
	}

	/** From now on, have committers wait; closing the registration lets every waiter go. */
	CommitWatch.Registration start(CommitWatch commits) {
		this.followers.start();
		CommitWatch.Registration registration = commits.acknowledgeCommitsWith(this);
		return () -> {
			registration.close();
			this.followers.stop();
		};
	}

	@Override
	public void awaitAcknowledged() {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		// Read after this thread's commit: its own, and perhaps others' since, all acknowledged together.
		long committed = this.followers.committedSoFar();
		try {
			if (this.followers.awaitAcknowledged(committed, deadline)) {
				if (this.failing) {
					this.failing = false;
					logger.log(Level.INFO, "A read replica acknowledges this primary's commits again "
							+ "(kiwi.db.replication.commit-ack=replica)");
				}
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.timeouts.increment();
		this.lastTimeout = this.clock.instant();
		if (!this.failing) {
			this.failing = true;
			logger.log(Level.WARNING, "No read replica acknowledged a commit within " + this.timeout.toMillis()
					+ " ms (kiwi.db.replication.commit-ack-timeout); commits return without waiting for longer, "
					+ "durable in the local file only, until a replica streaming from this primary holds them again");
		}
	}

	/** How many commits returned without a replica's acknowledgement. */
	long timeouts() {
		return this.timeouts.sum();
	}

	/** When a commit last returned without one, {@code null} if none did. */
	Instant lastTimeout() {
		return this.lastTimeout;
	}

	/** Whether the latest wait to end timed out. */
	boolean failing() {
		return this.failing;
	}

}
