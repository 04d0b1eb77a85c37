package io.kiwistack.db.replication;

import java.util.Map;

/**
 * Where a node's replication stands, for a health endpoint.
 *
 * @param state how well it works
 * @param details what to show: {@code role} ({@code primary} or {@code replica}), the replica,
 * the position, and the error while there is one
 */
public record ReplicationHealth(State state, Map<String, Object> details) {

	/** How well replication works. */
	public enum State {

		/** It works. */
		UP,

		/** It has been failing for a while, and recovers by itself when the replica answers. */
		DEGRADED,

		/** It does not work: commits are refused, or a replica has been behind for too long. */
		DOWN

	}

}
