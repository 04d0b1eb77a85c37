package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Restores a database file from a replica, without running replication: for a node that starts
 * without its file, for tools, and for tests. The file is built beside the target, checked, and
 * linked into place; an existing file is never replaced, and a failed restore leaves nothing.
 */
public final class ReplicaRestore {

	private ReplicaRestore() {
	}

	/**
	 * Restore the replica's latest state into a new file.
	 * @param target a file that does not exist yet
	 * @param allowOlderGeneration whether to fall back to an older generation when the newest one
	 * can't be restored (its snapshot is missing); what is skipped is logged
	 * @return what was restored, empty when the replica holds nothing at all
	 * @throws ReplicaException when the replica is damaged, its newest generation can't be restored
	 * (and falling back is not allowed), or the target exists
	 */
	public static Optional<RestoreResult> latest(ReplicaClient client, Path target, boolean allowOlderGeneration)
			throws IOException {
		return new Restorer(client, allowOlderGeneration).restoreLatest(target);
	}

	/**
	 * Restore the state of the last transaction shipped at or before {@code time} into a new file.
	 * @throws ReplicaException when no snapshot is that old, the replica is damaged, or the target
	 * exists
	 */
	public static RestoreResult pointInTime(ReplicaClient client, Path target, Instant time,
			boolean allowOlderGeneration) throws IOException {
		return new Restorer(client, allowOlderGeneration).restoreTo(target, time);
	}

}
