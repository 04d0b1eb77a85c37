package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;

import io.kiwistack.db.OwnerOnlyFiles;

/**
 * The role a node in {@code auto} mode starts in, decided before its database opens, from the
 * claim alone: a node that finds no claim takes it (the conditional write decides between nodes
 * starting together, so exactly one does), a node that held the claim before it restarted takes it
 * back, and every other node follows. The node that takes the claim keeps it renewed from then on,
 * until its replication runs.
 * <p>
 * The database file is made ready for that role. A follower never merges a file of its own: a
 * primary's file found on a node that must follow (it was the primary, and another took over) is
 * {@linkplain KeptAside kept aside}, whole, and the node restores from the replica. A node that takes
 * the claim with a file older than the replica's newest history keeps that file aside too.
 */
public final class AutoStart {

	private static final System.Logger logger = System.getLogger(AutoStart.class.getName());

	/** How the node starts. */
	public enum Role {

		/** It holds the claim and opens its file as the primary's. */
		PRIMARY,

		/** It follows the primary that holds the claim. */
		REPLICA,

		/**
		 * It holds the claim, but its file is a follower's copy: it opens as a replica, catches up
		 * from storage, and is promoted as soon as replication starts.
		 */
		PROMOTED_AT_START

	}

	private final Role role;

	private final ClaimKeeper keeper;

	private final Path keptAside;

	private AutoStart(Role role, PrimaryLease lease, Path keptAside) {
		this.role = role;
		this.keptAside = keptAside;
		this.keeper = (role != Role.REPLICA) ? ClaimKeeper.start(lease, "kiwi-db-claim-at-start") : null;
	}

	/**
	 * Decide how the node whose database is {@code database} starts, and make the file ready.
	 * @param leaseTimeout how long the claim lasts without renewal
	 * @param advertiseUrl where the other nodes reach this one, published in the claim it takes
	 * @param allowOlderGeneration whether a restore may fall back to an older generation
	 * @throws ReplicaException when the replica can't be restored from
	 */
	public static AutoStart prepare(Path database, ReplicaClient client, java.time.Duration leaseTimeout,
			String advertiseUrl, boolean allowOlderGeneration) throws IOException {
		Path file = database.toAbsolutePath().normalize();
		OwnerOnlyFiles.createDirectories(file.getParent());
		String node = NodeIdentity.of(file);
		PrimaryLease lease = new PrimaryLease(client, leaseTimeout, Clock.systemUTC(), PrimaryLease.MonotonicClock.SYSTEM,
				node, advertiseUrl);
		Optional<PrimaryClaimView> claim = PrimaryLease.read(client);
		boolean heldBefore = claim.isPresent() && node.equals(claim.get().node());
		boolean taken = (claim.isEmpty() || heldBefore) && lease.takeOver(claim.map(PrimaryClaimView::version).orElse(null));
		boolean followerCopy = Files.exists(Follower.stateFile(file));
		Path keptAside = null;
		if (!taken) {
			if (Files.exists(file) && !followerCopy) {
				keptAside = KeptAside.move(file, "another node holds the primary claim (" + claim.map(PrimaryClaimView::holder)
					.orElse("unknown") + ")");
			}
			Follower.prepare(file, client, allowOlderGeneration);
			return new AutoStart(Role.REPLICA, lease, keptAside);
		}
		if (followerCopy) {
			Follower.prepare(file, client, allowOlderGeneration);
			return new AutoStart(Role.PROMOTED_AT_START, lease, null);
		}
		if (Files.exists(file) && !heldBefore && olderThanReplica(file, client)) {
			keptAside = KeptAside.move(file, "the replica holds a newer history than it, written by another primary");
		}
		if (!Files.exists(file)) {
			Optional<RestoreResult> restored = ReplicaRestore.latest(client, file, allowOlderGeneration);
			logger.log(Level.INFO, restored.map((result) -> "Restored " + file + " from " + client.describe() + " at "
					+ result.position() + " to start as the primary")
				.orElse("Replica " + client.describe() + " holds nothing yet; " + file + " starts fresh as the primary"));
		}
		return new AutoStart(Role.PRIMARY, lease, keptAside);
	}

	/**
	 * Whether the replica's newest generation is not the one this file shipped last: another
	 * primary wrote the history since, and this file is behind it.
	 */
	private static boolean olderThanReplica(Path file, ReplicaClient client) throws IOException {
		Optional<String> newest = client.generations().stream().max(Comparator.naturalOrder());
		if (newest.isEmpty()) {
			return false;
		}
		ShippedRecord shipped = ShippedRecord.read(file);
		return shipped == null || !shipped.generation().equals(newest.get());
	}

	/** How the node starts. */
	public Role role() {
		return this.role;
	}

	/** Whether the database opens as the primary's: with a writer. */
	public boolean opensAsPrimary() {
		return this.role == Role.PRIMARY;
	}

	/** The file this start moved aside, {@code null} when none. */
	public Path keptAside() {
		return this.keptAside;
	}

	/** Stop renewing the claim taken at start: the primary's replication renews it from now on. */
	void handOver() {
		if (this.keeper != null) {
			this.keeper.stop();
		}
	}

}
