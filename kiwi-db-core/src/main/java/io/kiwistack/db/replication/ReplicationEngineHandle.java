package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What both roles' replication do alike around their engine: the replica they use, running from
 * start to close, restoring from it, and closing the engine then the replica's client once.
 */
abstract class ReplicationEngineHandle {

	private final ReplicaClient client;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile boolean running;

	/** Whether closing closes the replica's client too: not when the client is shared (by {@link AutoReplication}). */
	private volatile boolean ownsClient = true;

	ReplicationEngineHandle(ReplicaClient client) {
		this.client = client;
	}

	/** Leave the replica's client open at close: its owner runs this engine as one role among others. */
	void sharingClient() {
		this.ownsClient = false;
	}

	/** Start the engine: shipping, or following. */
	abstract void startEngine();

	/** Stop the engine; the replica's client is closed after it. */
	abstract void stopEngine();

	public String replica() {
		return this.client.describe();
	}

	public void start() {
		startEngine();
		this.running = true;
	}

	public boolean isRunning() {
		return this.running;
	}

	public Optional<RestoreResult> restoreLatest(Path target, boolean allowOlderGeneration) throws IOException {
		return ReplicaRestore.latest(this.client, target, allowOlderGeneration);
	}

	public RestoreResult restoreTo(Path target, Instant time, boolean allowOlderGeneration) throws IOException {
		return ReplicaRestore.pointInTime(this.client, target, time, allowOlderGeneration);
	}

	public void close() throws IOException {
		this.running = false;
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			stopEngine();
		}
		finally {
			if (this.ownsClient) {
				this.client.close();
			}
		}
	}

}
