package io.kiwistack.db.replication;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A primary's replication: every commit shipped to the replica, a way to ship now or to wait until
 * a commit is off the machine, and where shipping stands. With {@link CommitAck.Mode#REPLICA}, each
 * commit returns once a read replica streaming from here holds it (or after the timeout), from
 * {@link #start()} until {@link #close()}. Created by {@link KiwiDbReplicator#primary}.
 */
public final class PrimaryReplication extends ReplicationEngineHandle implements KiwiDbReplicator {

	private final Replicator replicator;

	private final Duration unhealthyAfter;

	private final Clock clock = Clock.systemUTC();

	/** Where the other nodes reach this one; {@code null} when not set. */
	private final String advertiseUrl;

	/** How long a position waits for the replicator to move to a restarted log's index. */
	private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(1);

	private final CommitAck commitAck;

	/** The committers' waits for a replica; {@code null} when commits return at once. */
	private final AcknowledgedCommits acknowledged;

	/** While committers wait for a replica: from the start to the close. */
	private volatile io.kiwistack.db.CommitWatch.Registration acknowledging;

	PrimaryReplication(Replicator replicator, ReplicaClient client, Duration unhealthyAfter) {
		this(replicator, client, unhealthyAfter, null);
	}

	PrimaryReplication(Replicator replicator, ReplicaClient client, Duration unhealthyAfter, String advertiseUrl) {
		this(replicator, client, unhealthyAfter, advertiseUrl, CommitAck.LOCAL);
	}

	PrimaryReplication(Replicator replicator, ReplicaClient client, Duration unhealthyAfter, String advertiseUrl,
			CommitAck commitAck) {
		super(client);
		this.replicator = replicator;
		this.unhealthyAfter = unhealthyAfter;
		this.advertiseUrl = advertiseUrl;
		this.commitAck = commitAck;
		this.acknowledged = (commitAck.mode() == CommitAck.Mode.REPLICA)
				? new AcknowledgedCommits(replicator.liveLog().acknowledgements(), commitAck.timeout(), this.clock)
				: null;
	}

	/** When this primary's commits return: at once, or once a streaming replica holds them. */
	public CommitAck commitAck() {
		return this.commitAck;
	}

	/** A primary takes writes itself (and refuses them while its claim is not known to be valid). */
	@Override
	public boolean takesWrites() {
		return true;
	}

	/** This node's own advertise URL, when set. */
	@Override
	public Optional<String> primaryUrl() {
		return Optional.ofNullable(this.advertiseUrl);
	}

	/**
	 * The position of everything committed on this node so far, in the replica's terms: what a
	 * client that just wrote here must find applied on a replica. Empty while no generation is
	 * shipped yet.
	 */
	@Override
	public Optional<Position> position() {
		try {
			return Optional.ofNullable(this.replicator.liveLog().positionNow(POSITION_TIMEOUT));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/** A primary has everything it committed: any position is reached at once. */
	@Override
	public boolean awaitPosition(Position position, Duration timeout) {
		return true;
	}

	LiveLog liveLog() {
		return this.replicator.liveLog();
	}

	String node() {
		return this.replicator.node();
	}

	/** The claim as this node holds it, empty while it does not. */
	java.util.Optional<PrimaryClaim.Held> claimHeld() {
		return this.replicator.claimHeld();
	}

	/** Whether another node took the claim: for good. */
	boolean deposed() {
		return this.replicator.deposed();
	}

	/** Why this node acknowledges no commits now, {@code null} while it does. */
	String writesRefused() {
		return this.replicator.writesRefused();
	}

	/**
	 * Claim the replica, then ship: a replica that can't be reached does not stop the start.
	 * @throws ReplicaLeaseHeldException when another primary holds the replica
	 */
	@Override
	void startEngine() {
		this.replicator.start();
		if (this.acknowledged != null) {
			this.acknowledging = this.acknowledged.start(this.replicator.commitWatch());
		}
	}

	/** Ship every committed transaction now, and wait for it. */
	@Override
	public void syncNow() {
		this.replicator.syncNow();
	}

	/** Where shipping stands now. */
	public ReplicationStatus status() {
		return this.replicator.status();
	}

	/** Running totals, cheap to read: for metrics. */
	public ReplicationCounters counters() {
		return this.replicator.counters();
	}

	/**
	 * Wait until every transaction committed before this call is in the replica: for a caller
	 * that must not acknowledge a write before it is off the machine.
	 * @return whether it got there within {@code timeout}
	 */
	public boolean awaitReplicated(Duration timeout) {
		return this.replicator.awaitReplicated(timeout);
	}

	@Override
	public boolean isHealthy() {
		if (this.replicator.writesRefused() != null) {
			return false;
		}
		Instant failingSince = this.replicator.counters().failingSince();
		return failingSince == null
				|| Duration.between(failingSince, this.clock.instant()).compareTo(this.unhealthyAfter) < 0;
	}

	@Override
	public ReplicationHealth health() {
		ReplicationStatus status = status();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("role", "primary");
		details.put("replica", status.replica());
		if (this.advertiseUrl != null) {
			details.put("primary", this.advertiseUrl);
		}
		if (status.position() != null) {
			details.put("generation", status.position().generation());
			details.put("position", status.position().toString());
		}
		details.put("lastSuccessfulSync", String.valueOf(status.lastSuccessfulSync()));
		details.put("pendingBytes", status.pendingBytes());
		details.put("pendingTransactions", status.pendingTransactions());
		details.put("transactionsShipped", status.transactionsShipped());
		boolean acknowledgementsFailing = false;
		if (this.acknowledged != null) {
			details.put("commitAck", "replica");
			details.put("commitAckTimeouts", this.acknowledged.timeouts());
			if (this.acknowledged.lastTimeout() != null) {
				details.put("lastCommitAckTimeout", String.valueOf(this.acknowledged.lastTimeout()));
			}
			acknowledgementsFailing = this.acknowledged.failing();
		}
		if (status.writesRefused() != null) {
			details.put("writesRefused", status.writesRefused());
		}
		if (status.lastError() != null) {
			details.put("lastError", status.lastError());
			details.put("failingSince", String.valueOf(status.failingSince()));
		}
		ReplicationHealth.State state;
		if (status.writesRefused() != null) {
			state = ReplicationHealth.State.DOWN;
		}
		else if (status.failingSince() != null) {
			state = isHealthy() ? ReplicationHealth.State.DEGRADED : ReplicationHealth.State.DOWN;
		}
		else if (acknowledgementsFailing) {
			// Commits still return, durable locally, but no replica holds the latest of them.
			state = ReplicationHealth.State.DEGRADED;
		}
		else {
			state = ReplicationHealth.State.UP;
		}
		return new ReplicationHealth(state, details);
	}

	@Override
	public List<ReplicationMeter> meters() {
		return meters(() -> this);
	}

	/**
	 * A primary's meters, each read from what {@code primary} gives when read: nothing while this
	 * node is no primary (a node in auto mode that follows), and then a counter stands still and a
	 * gauge reads {@code NaN}.
	 */
	static List<ReplicationMeter> meters(java.util.function.Supplier<PrimaryReplication> primary) {
		return List.of(
				counter("kiwi.db.replication.shipped.bytes", "Compressed log bytes shipped to the replica", "bytes",
						primary, (now) -> now.counters().bytesShipped()),
				counter("kiwi.db.replication.shipped.segments", "Log segments shipped to the replica", null, primary,
						(now) -> now.counters().segmentsShipped()),
				counter("kiwi.db.replication.shipped.transactions", "Transactions shipped to the replica", null, primary,
						(now) -> now.counters().transactionsShipped()),
				counter("kiwi.db.replication.errors", "Syncs to the replica that failed", null, primary,
						(now) -> now.counters().failedSyncs()),
				counter("kiwi.db.replication.commit.ack.timeouts",
						"Commits that returned without a read replica's acknowledgement within the timeout", null, primary,
						(now) -> (now.acknowledged != null) ? now.acknowledged.timeouts() : 0),
				gauge("kiwi.db.replication.last.sync.age", "Time since the last successful sync to the replica",
						primary),
				gauge("kiwi.db.replication.lag", "How much of the latest commits may be missing from the replica",
						primary));
	}

	private static ReplicationMeter counter(String name, String description, String unit,
			java.util.function.Supplier<PrimaryReplication> primary,
			java.util.function.ToLongFunction<PrimaryReplication> value) {
		return new ReplicationMeter(name, description, unit, ReplicationMeter.Kind.COUNTER, () -> {
			PrimaryReplication now = primary.get();
			return (now != null) ? value.applyAsLong(now) : 0;
		});
	}

	private static ReplicationMeter gauge(String name, String description,
			java.util.function.Supplier<PrimaryReplication> primary) {
		return new ReplicationMeter(name, description, "seconds", ReplicationMeter.Kind.GAUGE, () -> {
			PrimaryReplication now = primary.get();
			return (now != null) ? now.lastSyncAgeSeconds() : Double.NaN;
		});
	}

	private double lastSyncAgeSeconds() {
		Instant last = counters().lastSuccessfulSync();
		return (last != null) ? Duration.between(last, this.clock.instant()).toMillis() / 1000.0 : Double.NaN;
	}

	/** Ship everything committed, release the claim, and stop; committers waiting for a replica return first. */
	@Override
	void stopEngine() {
		io.kiwistack.db.CommitWatch.Registration registration = this.acknowledging;
		if (registration != null) {
			// Before the final sync, whose own writes (PRAGMA optimize) must not wait for a replica.
			registration.close();
		}
		this.replicator.close();
	}

}
