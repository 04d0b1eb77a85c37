package io.kiwistack.db;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells who wants to know that the writer committed: listeners of every commit (replication,
 * which streams new transactions to followers the moment they exist) and a watcher of the
 * current thread's own commits (a web request, whose response carries the position of the
 * transaction it committed). A commit counts when a transaction that changed rows ends, or a
 * statement outside a transaction changed rows; listeners run on the committing thread, right
 * after the commit and before the writer is handed to anyone else, so they must be quick.
 * <p>
 * An {@linkplain #acknowledgeCommitsWith acknowledgement} is the one thing that may take long: a
 * thread that committed waits for it only once it has given the writer back, so that other
 * threads commit meanwhile and one acknowledgement (a replica's, say) covers all of them.
 */
public final class CommitWatch {

	private final List<Runnable> everyCommit = new CopyOnWriteArrayList<>();

	private final ThreadLocal<Runnable> thisThread = new ThreadLocal<>();

	/** What a thread that committed waits for after it gave the writer back; {@code null} for nothing. */
	private volatile Acknowledgement acknowledgement;

	/**
	 * The acknowledgement the writer's current holder owes for what it committed in this borrow;
	 * only the holder reads or writes it, and the writer's hand-over orders one holder after the next.
	 */
	private Acknowledgement owed;

	/** Call {@code listener} after every commit, on the committing thread, until the registration is closed. */
	public Registration onEveryCommit(Runnable listener) {
		this.everyCommit.add(listener);
		return () -> this.everyCommit.remove(listener);
	}

	/**
	 * Call {@code watcher} after each commit the current thread makes, until the registration is
	 * closed (on the same thread). A thread has one watcher at a time: a second replaces the first
	 * until it is closed.
	 */
	public Registration watchThisThread(Runnable watcher) {
		Runnable before = this.thisThread.get();
		this.thisThread.set(watcher);
		return () -> {
			if (before != null) {
				this.thisThread.set(before);
			}
			else {
				this.thisThread.remove();
			}
		};
	}

	/**
	 * Have every thread that commits wait for {@code acknowledgement} once it has given the writer
	 * back (never while it holds it), until the registration is closed. One is registered at a
	 * time: a second replaces the first, and closing the first then leaves the second in place.
	 */
	public Registration acknowledgeCommitsWith(Acknowledgement acknowledgement) {
		this.acknowledgement = acknowledgement;
		return () -> {
			if (this.acknowledgement == acknowledgement) {
				this.acknowledgement = null;
			}
		};
	}

	/** Whether anyone listens to commits: whether a statement outside a transaction needs its changes counted. */
	boolean anyoneListens() {
		return !this.everyCommit.isEmpty() || this.thisThread.get() != null || this.acknowledgement != null;
	}

	/** The writer committed changes. */
	void committed() {
		for (Runnable listener : this.everyCommit) {
			listener.run();
		}
		Runnable watcher = this.thisThread.get();
		if (watcher != null) {
			watcher.run();
		}
		Acknowledgement wanted = this.acknowledgement;
		if (wanted != null) {
			this.owed = wanted;
		}
	}

	/**
	 * The acknowledgement the writer's holder owes for its commits in this borrow, {@code null}
	 * when it committed nothing; forgotten here. Called by the holder as it gives the writer back,
	 * to wait for it once it has.
	 */
	Acknowledgement takeOwed() {
		Acknowledgement taken = this.owed;
		this.owed = null;
		return taken;
	}

	/**
	 * What a thread that committed waits for, on that thread, once it has given the writer back:
	 * until a replica holds its commits, say.
	 */
	@FunctionalInterface
	public interface Acknowledgement {

		/**
		 * Wait until what the current thread committed is acknowledged, or for as long as the
		 * acknowledgement allows; return normally either way, since the commit is durable in the
		 * local file already. An interrupt ends the wait, the thread's interrupt status kept.
		 */
		void awaitAcknowledged();

	}

	/** Stops what was registered; closing twice does nothing. */
	@FunctionalInterface
	public interface Registration extends AutoCloseable {

		@Override
		void close();

	}

}
