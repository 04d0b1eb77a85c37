package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;

/**
 * A database's replication, as an application sees it: a {@link PrimaryReplication} ships every
 * commit to the replica, a {@link ReadReplication} follows a primary's replica and serves reads.
 * Which one a node runs is decided once, when it is created; what both offer (start, stop, sync,
 * health, meters, restore) is here, so a caller never asks which role it holds to choose what to
 * do. Replication runs from {@link #start()} until {@link #close()}; a primary ships everything
 * before it stops.
 */
public sealed interface KiwiDbReplicator extends AutoCloseable permits PrimaryReplication, ReadReplication, AutoReplication {

	/**
	 * Replication of a primary database.
	 * @param unhealthyAfter how long shipping may fail before {@link #isHealthy()} says no
	 */
	static PrimaryReplication primary(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings,
			Duration unhealthyAfter) {
		return new PrimaryReplication(new Replicator(dataSource, client, settings), client, unhealthyAfter);
	}

	/**
	 * Replication of a primary database that the other nodes of its replica path reach at
	 * {@code peers}' advertise URL: it publishes the URL in its claim, and streams its new
	 * transactions to followers from there.
	 * @param unhealthyAfter how long shipping may fail before {@link #isHealthy()} says no
	 */
	static PrimaryReplication primary(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings,
			Duration unhealthyAfter, PeerSettings peers) {
		return primary(dataSource, client, settings, unhealthyAfter, peers, CommitAck.LOCAL);
	}

	/**
	 * Replication of a primary database as above, whose commits return as {@code commitAck} says:
	 * with {@link CommitAck.Mode#REPLICA}, once a read replica streaming from it holds them (or after
	 * the timeout), from {@link #start()} until {@link #close()}.
	 * @param peers the advertise URL and shared secret; without them no replica streams from this
	 * primary, and every commit waits out the timeout
	 */
	static PrimaryReplication primary(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings,
			Duration unhealthyAfter, PeerSettings peers, CommitAck commitAck) {
		String advertiseUrl = (peers != null) ? peers.advertiseUrl() : null;
		return new PrimaryReplication(new Replicator(dataSource, client, settings, Clock.systemUTC(), advertiseUrl),
				client, unhealthyAfter, advertiseUrl, commitAck);
	}

	/**
	 * A read replica following {@code client}, whose database was prepared with
	 * {@link ReadReplication#prepare} and opened as a replica.
	 * @param maxLag how far behind it may fall before {@link #isHealthy()} says no
	 */
	static ReadReplication readReplica(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval,
			Duration maxLag) {
		return readReplica(dataSource, client, pollInterval, maxLag, null);
	}

	/**
	 * A read replica as above that, with {@code peers}, streams new transactions straight from the
	 * primary its claim names, and polls {@code client} whenever the primary can't be reached.
	 * @param peers the shared secret, {@code null} to poll the replica only
	 */
	static ReadReplication readReplica(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval,
			Duration maxLag, PeerSettings peers) {
		return new ReadReplication(new Follower(dataSource, client, pollInterval, Clock.systemUTC(), peers), client,
				maxLag);
	}

	/**
	 * Replication of a node in {@code auto} mode, over a database opened for the role
	 * {@code start} decided (see {@link AutoStart#prepare}): it ships while it holds the claim,
	 * follows otherwise, takes over when the primary is gone, and steps down when another took the
	 * claim.
	 */
	static AutoReplication auto(KiwiDataSource dataSource, ReplicaClient client, AutoSettings settings,
			AutoStart start) {
		return new AutoReplication(dataSource, client, settings, start);
	}

	/**
	 * Check, before a primary restores its missing file, that no other node holds a live claim on
	 * the replica: the other primary would refuse this one anyway, and only after it copied the
	 * whole replica. A claim this node held before it restarted (its id is kept beside
	 * {@code database}) does not count.
	 * @throws ReplicaLeaseHeldException when another primary holds the replica
	 */
	static void checkNoOtherPrimary(ReplicaClient client, Path database) throws IOException {
		PrimaryLease.checkNotHeldByAnother(client, NodeIdentity.read(database), Clock.systemUTC());
	}

	/** The replica, without secrets, for messages. */
	String replica();

	/** Start shipping, or following. */
	void start();

	/** Whether this node takes writes itself (a primary); a replica refuses or forwards them. */
	boolean takesWrites();

	/**
	 * The base URL of the primary, where writes go: a primary's own advertise URL; on a replica,
	 * the one the primary's claim publishes. Empty when unknown: no primary holds the claim, or it
	 * published no URL.
	 */
	Optional<String> primaryUrl();

	/**
	 * The position of everything this node holds: a primary's commits so far, a replica's applied
	 * transactions; empty before there is any.
	 */
	Optional<Position> position();

	/**
	 * Wait until this node holds {@code position}: a client's last write, read back here. A primary
	 * holds every position at once. A position of another generation than the one this node
	 * follows counts as reached once this node follows the primary's current generation and it is
	 * not that one (it is an earlier history), never by comparing clocks.
	 * @return whether it got there within {@code timeout}
	 */
	boolean awaitPosition(Position position, Duration timeout) throws InterruptedException;

	/** Whether {@link #start()} was called and {@link #close()} not yet. */
	boolean isRunning();

	/**
	 * Ship every committed transaction now (a primary), or apply everything the replica holds now
	 * (a read replica).
	 * @throws ReplicaException when that fails
	 */
	void syncNow();

	/**
	 * Whether replication works: a primary acknowledges commits (it holds its claim on the replica)
	 * and its shipping has not been failing, and a replica has not been behind, for longer than the
	 * configured time.
	 */
	boolean isHealthy();

	/** Where replication stands, for a health endpoint: a state and the details to show. */
	ReplicationHealth health();

	/** What to publish as metrics, each read when the metric is. */
	List<ReplicationMeter> meters();

	/**
	 * Restore the replica's latest state into a new file.
	 * @param target a file that does not exist yet
	 * @param allowOlderGeneration whether to fall back to an older generation when the newest one
	 * can't be restored (its snapshot is missing), losing its transactions; what is skipped is logged
	 * @return what was restored, empty when the replica holds nothing at all
	 * @throws ReplicaException naming the generation and the missing object when the newest
	 * generation can't be restored and falling back is not allowed
	 */
	Optional<RestoreResult> restoreLatest(Path target, boolean allowOlderGeneration) throws IOException;

	/**
	 * Restore the state of the last transaction shipped at or before {@code time} into a new file.
	 * @param target a file that does not exist yet
	 * @param allowOlderGeneration whether to fall back to an older generation when the one current
	 * at {@code time} can't be restored
	 */
	RestoreResult restoreTo(Path target, Instant time, boolean allowOlderGeneration) throws IOException;

	/** Restore the replica's latest state into a new file; fails when the newest generation can't be restored. */
	default Optional<RestoreResult> restoreLatest(Path target) throws IOException {
		return restoreLatest(target, false);
	}

	/** Restore the state at {@code time} into a new file; fails when its generation can't be restored. */
	default RestoreResult restoreTo(Path target, Instant time) throws IOException {
		return restoreTo(target, time, false);
	}

	/** Ship everything committed and stop (a primary), or stop following (a replica); a second call does nothing. */
	@Override
	void close() throws IOException;

}
