package io.kiwistack.db.replication;

import java.time.Duration;
import java.util.Objects;

/**
 * When a primary's commit returns to the thread that made it: once it is in the local file
 * ({@link Mode#LOCAL}), or once a read replica streaming from the primary holds it too
 * ({@link Mode#REPLICA}), waiting at most {@code timeout} for that. A commit that is not
 * acknowledged in time returns all the same (it is durable locally); the primary counts it and
 * reports its health degraded until commits are acknowledged again.
 *
 * @param mode when a commit returns
 * @param timeout how long a commit waits for a replica, {@link Mode#REPLICA} only
 */
public record CommitAck(Mode mode, Duration timeout) {

	/** How long a commit waits for a replica by default. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

	/** Commits return once they are in the local file: the default. */
	public static final CommitAck LOCAL = new CommitAck(Mode.LOCAL, DEFAULT_TIMEOUT);

	public CommitAck {
		Objects.requireNonNull(mode, "mode");
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The commit acknowledgement timeout must be positive, not " + timeout);
		}
	}

	/** Commits return once a streaming replica holds them, or after {@code timeout}. */
	public static CommitAck replica(Duration timeout) {
		return new CommitAck(Mode.REPLICA, timeout);
	}

	/** When a commit returns. */
	public enum Mode {

		/** Once it is in the local file. */
		LOCAL,

		/** Once a read replica streaming from the primary holds it, or after the timeout. */
		REPLICA

	}

}
