package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read replica: it follows a primary's replica, applying whole transactions to its own file,
 * and tells the position applied and how far behind it is. Created by
 * {@link KiwiDbReplicator#readReplica}, over a database file made ready by {@link #prepare}.
 */
public final class ReadReplication extends ReplicationEngineHandle implements KiwiDbReplicator {

	private final Follower follower;

	private final Duration maxLag;

	ReadReplication(Follower follower, ReplicaClient client, Duration maxLag) {
		super(client);
		this.follower = follower;
		this.maxLag = maxLag;
	}

	/**
	 * Make {@code database} ready to be opened as a read replica, before its data source opens:
	 * restore it from the replica when it is missing. An existing file must be a replica copy a
	 * read replica wrote; any other file is left alone and refused.
	 * @param allowOlderGeneration whether restoring the missing file may fall back to an older
	 * generation when the newest can't be restored
	 * @throws ReplicaException when an existing file is not a replica copy, or the replica is damaged
	 */
	public static void prepare(Path database, ReplicaClient client, boolean allowOlderGeneration) throws IOException {
		Follower.prepare(database, client, allowOlderGeneration);
	}

	/**
	 * Forget that {@code database} was a read replica's copy, when it is opened as a primary
	 * (promoted): from then on it is the primary's own data, which following must never replace.
	 */
	public static void forgetFollowing(Path database) throws IOException {
		Follower.forgetFollowing(database);
	}

	/** Resume from where this replica's file stands, then poll the replica. */
	@Override
	void startEngine() {
		this.follower.start();
	}

	/** Apply everything the replica holds now, and wait for it. */
	@Override
	public void syncNow() {
		this.follower.pollNow();
	}

	/** Where this replica stands: the position applied, the newest transaction and the lag. */
	public FollowerStatus status() {
		return this.follower.status();
	}

	/** A replica takes no writes itself: it refuses them, or forwards them to the primary. */
	@Override
	public boolean takesWrites() {
		return false;
	}

	/** The primary's base URL as its claim publishes it; empty without a peer secret, or when nobody holds the claim. */
	@Override
	public Optional<String> primaryUrl() {
		return Optional.ofNullable(this.follower.primaryUrl());
	}

	/** The position applied. */
	@Override
	public Optional<Position> position() {
		return Optional.ofNullable(this.follower.position());
	}

	@Override
	public boolean awaitPosition(Position position, Duration timeout) throws InterruptedException {
		return this.follower.awaitPosition(position, timeout);
	}

	/** Whether new transactions arrive straight from the primary now, rather than by polling storage. */
	public boolean streaming() {
		return this.follower.streaming();
	}

	@Override
	public boolean isHealthy() {
		if (this.follower.streamRefused()) {
			return false;
		}
		Duration lag = status().lag();
		return lag == null || lag.compareTo(this.maxLag) < 0;
	}

	@Override
	public ReplicationHealth health() {
		FollowerStatus status = status();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("role", "replica");
		details.put("replica", status.replica());
		String primary = this.follower.primaryUrl();
		if (primary != null) {
			details.put("primary", primary);
		}
		details.put("following", this.follower.streaming() ? "streaming" : "polling");
		if (this.follower.streamError() != null) {
			details.put("streamError", this.follower.streamError());
		}
		if (status.position() != null) {
			details.put("generation", status.position().generation());
			details.put("position", status.position().toString());
		}
		details.put("newestTransactionAt", String.valueOf(status.newestTransactionAt()));
		details.put("lag", String.valueOf(status.lag()));
		if (status.lastError() != null) {
			details.put("lastError", status.lastError());
			details.put("failingSince", String.valueOf(status.failingSince()));
		}
		ReplicationHealth.State state = isHealthy() ? ReplicationHealth.State.UP : ReplicationHealth.State.DOWN;
		return new ReplicationHealth(state, details);
	}

	@Override
	public List<ReplicationMeter> meters() {
		return List.of(new ReplicationMeter("kiwi.db.replication.lag", "How far this read replica may be behind the primary",
				"seconds", ReplicationMeter.Kind.GAUGE, this::lagSeconds));
	}

	private double lagSeconds() {
		Duration lag = status().lag();
		return (lag != null) ? lag.toMillis() / 1000.0 : Double.NaN;
	}

	/** Stop following. The file stays as it is: a consistent state the primary committed. */
	@Override
	void stopEngine() {
		this.follower.close();
	}

}
