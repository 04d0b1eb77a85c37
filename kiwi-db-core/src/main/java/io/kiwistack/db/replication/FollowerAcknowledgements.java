package io.kiwistack.db.replication;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * How far the followers streaming from a primary have got, for threads that wait until one holds
 * what they committed. A follower asks for the live log from the position it has applied, and
 * acknowledges each part of the stream it applied: either proves it holds everything before.
 * Commits are counted as they happen; each scan of the live log notes how many commits it covers
 * (those counted before it began) and where it ended; a follower that asks from at or past a
 * noted end acknowledges that many commits. A committer
 * reads the count after its commit and waits for the acknowledged count to reach it: a number,
 * without reading the log or naming positions itself.
 * <p>
 * Off (no committer waits) nothing is counted or noted.
 */
final class FollowerAcknowledgements {

	/**
	 * Scans kept while no follower acknowledges them. Past this the oldest is dropped: its commits
	 * are acknowledged with a later one, whose end is further and whose count is larger.
	 */
	private static final int MOST_NOTES = 1024;

	private volatile boolean wanted;

	private final AtomicLong committed = new AtomicLong();

	/** Scans not acknowledged yet, oldest first; guarded by {@code this}. */
	private final ArrayDeque<Note> notes = new ArrayDeque<>();

	/**
	 * How many commits a follower acknowledged; written under {@code this}, read without it by the
	 * committers waiting for it.
	 */
	private volatile long acknowledged;

	/** The furthest position a follower asked from, in the newest generation asked; guarded by {@code this}. */
	private Position furthest;

	/**
	 * Threads waiting in {@link #awaitAcknowledged}, each woken on its own the moment its count is
	 * acknowledged. Woken through a monitor's notifyAll they would leave it one after the other,
	 * each waking the next: a chain that cost the last of a few committers about 0.2 ms on 2 cores.
	 */
	private final ConcurrentLinkedQueue<Waiter> waiting = new ConcurrentLinkedQueue<>();

	/** From now on, count and note commits for committers that wait. */
	synchronized void start() {
		this.acknowledged = this.committed.get();
		this.wanted = true;
	}

	/** From now on nobody waits: whoever does returns at once. */
	synchronized void stop() {
		this.wanted = false;
		this.acknowledged = Long.MAX_VALUE;
		this.notes.clear();
		for (Waiter waiter : this.waiting) {
			LockSupport.unpark(waiter.thread());
		}
	}

	/** Whether committers wait for acknowledgements. */
	boolean wanted() {
		return this.wanted;
	}

	/** The writer committed: count it. Quick, on the committing thread. */
	void committed() {
		if (this.wanted) {
			this.committed.incrementAndGet();
		}
	}

	/** How many commits were counted so far: read after a commit, at least that one. */
	long committedSoFar() {
		return this.committed.get();
	}

	/**
	 * A scan of the live log found everything committed up to {@code end}: at least the
	 * {@code count} commits counted before it began.
	 */
	void scanned(long count, Position end) {
		if (!this.wanted) {
			return;
		}
		synchronized (this) {
			if (count <= this.acknowledged) {
				return;
			}
			if (this.furthest != null && reaches(this.furthest, end)) {
				acknowledge(count);
				return;
			}
			Note last = this.notes.peekLast();
			if (last != null && last.count() >= count) {
				return;
			}
			if (last != null && last.end().equals(end)) {
				this.notes.pollLast();
			}
			if (this.notes.size() >= MOST_NOTES) {
				this.notes.pollFirst();
			}
			this.notes.addLast(new Note(count, end));
		}
	}

	/**
	 * A follower asked for the live log from {@code from}, a position the live log holds (its
	 * current generation, not past its end): it holds everything before.
	 */
	void asked(Position from) {
		if (!this.wanted) {
			return;
		}
		synchronized (this) {
			if (this.furthest == null || isEarlier(this.furthest.generation(), from.generation())
					|| (from.generation().equals(this.furthest.generation()) && !this.furthest.reaches(from))) {
				this.furthest = from;
			}
			long reached = this.acknowledged;
			while (!this.notes.isEmpty() && reaches(from, this.notes.peekFirst().end())) {
				reached = Math.max(reached, this.notes.pollFirst().count());
			}
			acknowledge(reached);
		}
	}

	/**
	 * Wait until followers acknowledged {@code count} commits, or until {@code deadlineNanos}
	 * ({@link System#nanoTime()}).
	 * @return whether they did, or nobody waits for acknowledgements any more
	 */
	boolean awaitAcknowledged(long count, long deadlineNanos) throws InterruptedException {
		if (this.acknowledged >= count) {
			return true;
		}
		// Queued before the count is read again: an acknowledgement after that read finds it queued.
		Waiter waiter = new Waiter(count, Thread.currentThread());
		this.waiting.add(waiter);
		try {
			while (this.acknowledged < count) {
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				LockSupport.parkNanos(this, remaining);
				if (Thread.interrupted()) {
					throw new InterruptedException("Interrupted while waiting for a replica to acknowledge a commit");
				}
			}
			return true;
		}
		finally {
			this.waiting.remove(waiter);
		}
	}

	/** The furthest position a follower asked from, {@code null} before any did. */
	synchronized Position furthest() {
		return this.furthest;
	}

	private void acknowledge(long count) {
		if (count > this.acknowledged) {
			this.acknowledged = count;
			for (Waiter waiter : this.waiting) {
				if (waiter.count() <= count) {
					LockSupport.unpark(waiter.thread());
				}
			}
		}
	}

	/**
	 * Whether a follower at {@code at} holds everything up to {@code end}: further in the same
	 * generation, or in a later one, which began with a snapshot holding every earlier commit.
	 * A log index that ended is named by its end, and the next one by its start: the follower
	 * asking from the start of the next holds the end of the previous, as {@link Position#reaches}
	 * tells by the index.
	 */
	private static boolean reaches(Position at, Position end) {
		return at.reaches(end) || isEarlier(end.generation(), at.generation());
	}

	/** Generation names begin with the time the generation began. */
	private static boolean isEarlier(String generation, String than) {
		return generation.compareTo(than) < 0;
	}

	/** A committer waiting until {@code count} commits are acknowledged. */
	private record Waiter(long count, Thread thread) {
	}

	/** A scan's end, and how many commits it covers at least. */
	private record Note(long count, Position end) {
	}

}
