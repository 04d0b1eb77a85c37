package io.kiwistack.db.replication;

import java.lang.System.Logger.Level;

/**
 * Renews a claim a node took before its primary's replication runs (while its application starts,
 * or while it is promoted), so that the claim does not expire for the other candidates meanwhile.
 * Stopped when the replication's own claim takes over: after that, only the replication renews.
 */
final class ClaimKeeper {

	private static final System.Logger logger = System.getLogger(ClaimKeeper.class.getName());

	private final Thread thread;

	private volatile boolean stopped;

	private ClaimKeeper(PrimaryLease lease, String name) {
		this.thread = new Thread(() -> keep(lease), name);
		this.thread.setDaemon(true);
	}

	static ClaimKeeper start(PrimaryLease lease, String name) {
		ClaimKeeper keeper = new ClaimKeeper(lease, name);
		keeper.thread.start();
		return keeper;
	}

	private void keep(PrimaryLease lease) {
		while (!this.stopped) {
			try {
				lease.renewIfDue();
			}
			catch (PrimaryClaimLostException ex) {
				logger.log(Level.WARNING, ex.getMessage());
				return;
			}
			catch (Exception ex) {
				// Storage can't be reached: try again; the claim expires for the others if this goes on.
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/** Stop renewing, and wait until a renewal under way has finished. */
	void stop() {
		// Not interrupted: an interrupt would close a file channel under a renewal.
		this.stopped = true;
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
