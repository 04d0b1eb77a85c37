package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;

/**
 * A database's replication, as an application sees it. On a primary it ships every commit: where
 * it stands, a way to ship now or to wait until a commit is off the machine. On a read replica it
 * follows the primary's replica: the position applied and how far behind it is. Both restore
 * from the replica into a new file. Replication runs from {@link #start()} until {@link #close()};
 * a primary ships everything before it stops.
 */
public final class KiwiDbReplicator implements AutoCloseable {

	/** Which side of replication this node is. */
	public enum Role {

		/** Ships its commits to the replica. */
		PRIMARY,

		/** Follows the replica and serves reads. */
		REPLICA

	}

	private final Replicator replicator;

	private final Follower follower;

	private final ReplicaClient client;

	private final Duration unhealthyAfter;

	private final Clock clock = Clock.systemUTC();

	private KiwiDbReplicator(Replicator replicator, Follower follower, ReplicaClient client, Duration unhealthyAfter) {
		this.replicator = replicator;
		this.follower = follower;
		this.client = client;
		this.unhealthyAfter = unhealthyAfter;
	}

	/**
	 * Replication of a primary database.
	 * @param unhealthyAfter how long shipping may fail before {@link #isHealthy()} says no
	 */
	public KiwiDbReplicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings,
			Duration unhealthyAfter) {
		this(new Replicator(dataSource, client, settings), null, client, unhealthyAfter);
	}

	/**
	 * A read replica following {@code client}, whose database was prepared with
	 * {@link Follower#prepare} and opened as a replica.
	 * @param maxLag how far behind it may fall before {@link #isHealthy()} says no
	 */
	public static KiwiDbReplicator follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval,
			Duration maxLag) {
		return new KiwiDbReplicator(null, new Follower(dataSource, client, pollInterval), client, maxLag);
	}

	/** Whether this node ships or follows. */
	public Role role() {
		return (this.replicator != null) ? Role.PRIMARY : Role.REPLICA;
	}

	/** Start shipping, or following. */
	public void start() {
		if (this.replicator != null) {
			this.replicator.start();
		}
		else {
			this.follower.start();
		}
	}

	/**
	 * Where a primary's shipping stands.
	 * @throws IllegalStateException on a read replica; see {@link #followerStatus()}
	 */
	public ReplicationStatus status() {
		return primary().status();
	}

	/**
	 * A primary's running totals, cheap to read, for metrics.
	 * @throws IllegalStateException on a read replica
	 */
	public ReplicationCounters counters() {
		return primary().counters();
	}

	/**
	 * Where a read replica stands: the position applied, the newest transaction and the lag.
	 * @throws IllegalStateException on a primary
	 */
	public FollowerStatus followerStatus() {
		if (this.follower == null) {
			throw new IllegalStateException("This node is the primary; it ships rather than follows");
		}
		return this.follower.status();
	}

	/**
	 * Whether replication works: a primary acknowledges commits (it holds its claim on the replica)
	 * and its shipping has not been failing, and a replica has not been behind, for longer than the
	 * configured time.
	 */
	public boolean isHealthy() {
		if (this.replicator != null) {
			if (this.replicator.writesRefused() != null) {
				return false;
			}
			Instant failingSince = this.replicator.counters().failingSince();
			return failingSince == null
					|| Duration.between(failingSince, this.clock.instant()).compareTo(this.unhealthyAfter) < 0;
		}
		Duration lag = this.follower.status().lag();
		return lag == null || lag.compareTo(this.unhealthyAfter) < 0;
	}

	/**
	 * Ship every committed transaction now (on a primary), or apply everything the replica holds
	 * now (on a read replica).
	 * @throws ReplicaException when that fails
	 */
	public void syncNow() {
		if (this.replicator != null) {
			this.replicator.syncNow();
		}
		else {
			this.follower.pollNow();
		}
	}

	/**
	 * Wait until every transaction committed before this call is in the replica: for a caller
	 * that must not acknowledge a write before it is off the machine.
	 * @return whether it got there within {@code timeout}
	 */
	public boolean awaitReplicated(Duration timeout) {
		return primary().awaitReplicated(timeout);
	}

	/**
	 * Restore the replica's latest state into a new file.
	 * @param target a file that does not exist yet
	 * @return what was restored, empty when the replica has nothing
	 */
	public Optional<RestoreResult> restoreLatest(Path target) throws IOException {
		return restoreLatest(target, false);
	}

	/**
	 * Restore the replica's latest state into a new file.
	 * @param target a file that does not exist yet
	 * @param allowOlderGeneration whether to fall back to an older generation when the newest one
	 * can't be restored (its snapshot is missing), losing its transactions; what is skipped is logged
	 * @return what was restored, empty when the replica holds nothing at all
	 * @throws ReplicaException naming the generation and the missing object when the newest
	 * generation can't be restored and falling back is not allowed
	 */
	public Optional<RestoreResult> restoreLatest(Path target, boolean allowOlderGeneration) throws IOException {
		return new Restorer(this.client, allowOlderGeneration).restoreLatest(target);
	}

	/**
	 * Restore the state of the last transaction shipped at or before {@code time} into a new file.
	 * @param target a file that does not exist yet
	 */
	public RestoreResult restoreTo(Path target, Instant time) throws IOException {
		return restoreTo(target, time, false);
	}

	/**
	 * Restore the state of the last transaction shipped at or before {@code time} into a new file.
	 * @param target a file that does not exist yet
	 * @param allowOlderGeneration whether to fall back to an older generation when the one current
	 * at {@code time} can't be restored
	 */
	public RestoreResult restoreTo(Path target, Instant time, boolean allowOlderGeneration) throws IOException {
		return new Restorer(this.client, allowOlderGeneration).restoreTo(target, time);
	}

	/**
	 * Check, before a primary restores its missing file, that no other node holds a live claim on
	 * the replica: the other primary would refuse this one anyway, and only after it copied the
	 * whole replica. A claim this node held before it restarted (its id is kept beside
	 * {@code database}) does not count.
	 * @throws ReplicaLeaseHeldException when another primary holds the replica
	 */
	public static void checkNoOtherPrimary(ReplicaClient client, Path database) throws IOException {
		PrimaryLease.checkNotHeldByAnother(client, NodeIdentity.read(database), Clock.systemUTC());
	}

	/** Ship everything committed and stop (a primary), or stop following (a replica). */
	@Override
	public void close() throws IOException {
		try {
			if (this.replicator != null) {
				this.replicator.close();
			}
			else {
				this.follower.close();
			}
		}
		finally {
			this.client.close();
		}
	}

	private Replicator primary() {
		if (this.replicator == null) {
			throw new IllegalStateException("This node is a read replica; it follows rather than ships");
		}
		return this.replicator;
	}

}
