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
 */
public final class CommitWatch {

	private final List<Runnable> everyCommit = new CopyOnWriteArrayList<>();

	private final ThreadLocal<Runnable> thisThread = new ThreadLocal<>();

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

	/** Whether anyone listens to commits: whether a statement outside a transaction needs its changes counted. */
	boolean anyoneListens() {
		return !this.everyCommit.isEmpty() || this.thisThread.get() != null;
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
	}

	/** Stops what was registered; closing twice does nothing. */
	@FunctionalInterface
	public interface Registration extends AutoCloseable {

		@Override
		void close();

	}

}
