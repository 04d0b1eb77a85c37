package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;

/**
 * A primary database's replication, as an application sees it: where it stands, a way to ship
 * now or to wait until a commit is off the machine, and restores from the replica into a new
 * file. Replication runs from {@link #start()} until {@link #close()}, which ships everything first.
 */
public final class KiwiDbReplicator implements AutoCloseable {

	private final Replicator replicator;

	private final ReplicaClient client;

	private final Duration unhealthyAfter;

	private final Clock clock;

	public KiwiDbReplicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings,
			Duration unhealthyAfter) {
		this.replicator = new Replicator(dataSource, client, settings);
		this.client = client;
		this.unhealthyAfter = unhealthyAfter;
		this.clock = Clock.systemUTC();
	}

	/** Start shipping. */
	public void start() {
		this.replicator.start();
	}

	/** Where replication stands now. */
	public ReplicationStatus status() {
		return this.replicator.status();
	}

	/**
	 * Whether replication works: it has not been failing for longer than the configured time.
	 */
	public boolean isHealthy() {
		Instant failingSince = this.replicator.status().failingSince();
		return failingSince == null
				|| Duration.between(failingSince, this.clock.instant()).compareTo(this.unhealthyAfter) < 0;
	}

	/**
	 * Ship every committed transaction now.
	 * @throws ReplicaException when shipping fails
	 */
	public void syncNow() {
		this.replicator.syncNow();
	}

	/**
	 * Wait until every transaction committed before this call is in the replica: for a caller
	 * that must not acknowledge a write before it is off the machine.
	 * @return whether it got there within {@code timeout}
	 */
	public boolean awaitReplicated(Duration timeout) {
		return this.replicator.awaitReplicated(timeout);
	}

	/**
	 * Restore the replica's latest state into a new file.
	 * @param target a file that does not exist yet
	 * @return what was restored, empty when the replica has nothing
	 */
	public Optional<RestoreResult> restoreLatest(Path target) throws IOException {
		return new Restorer(this.client).restoreLatest(target);
	}

	/**
	 * Restore the state of the last transaction shipped at or before {@code time} into a new file.
	 * @param target a file that does not exist yet
	 */
	public RestoreResult restoreTo(Path target, Instant time) throws IOException {
		return new Restorer(this.client).restoreTo(target, time);
	}

	/** Ship everything committed, then stop. */
	@Override
	public void close() throws IOException {
		try {
			this.replicator.close();
		}
		finally {
			this.client.close();
		}
	}

}
