package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.kiwistack.db.replication.KiwiDbReplicator;

import org.springframework.context.SmartLifecycle;

/**
 * Starts replication when the application context has been refreshed and stops it when the
 * context closes, around the embedded web server: a service takes no requests before its
 * replication runs, and stops shipping only once the server has drained. Stopping closes the
 * {@link KiwiDbReplicator}: a primary ships everything committed and releases its claim on the
 * replica, while the database is still open (beans are destroyed only after every lifecycle has
 * stopped).
 * <p>
 * A closed replicator can't run again, so replication takes no part in a context's pause and
 * restart, and a context stopped explicitly can't start it again.
 */
final class ReplicationLifecycle implements SmartLifecycle {

	/**
	 * Below the web server's phases ({@code WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE},
	 * {@code SmartLifecycle.DEFAULT_PHASE - 2048}, and {@code GRACEFUL_SHUTDOWN_PHASE},
	 * {@code DEFAULT_PHASE - 1024}): lower phases start earlier and stop later. The gap of 1024 below
	 * the server leaves room for an application's lifecycle beans that must run while replication
	 * does and the server does not.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

	private final KiwiDbReplicator replicator;

	private volatile boolean stopped;

	ReplicationLifecycle(KiwiDbReplicator replicator) {
		this.replicator = replicator;
	}

	@Override
	public void start() {
		if (this.stopped) {
			throw new IllegalStateException("Replication to " + this.replicator.replica() + " was stopped, which "
					+ "closed it for good; it can't start again in this application context");
		}
		// An application's own replicator bean may have been started already.
		if (!this.replicator.isRunning()) {
			this.replicator.start();
		}
	}

	@Override
	public void stop() {
		this.stopped = true;
		try {
			this.replicator.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Stopping replication to " + this.replicator.replica() + " failed", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.replicator.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

}
