package io.kiwistack.db.replication;

/**
 * Waits for a helper thread of a restore to end, however often the waiting thread is
 * interrupted: the file it writes or syncs must not be closed or linked while it still runs. The
 * interrupt is kept for the caller once the thread has ended.
 */
final class UninterruptibleJoin {

	private UninterruptibleJoin() {
	}

	static void join(Thread thread) {
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
