package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;

/**
 * Replication of a node in {@code auto} mode: the node that holds the claim is the primary, every
 * other node follows it and stands ready to take over. It runs one role at a time, a
 * {@link PrimaryReplication} or a {@link ReadReplication}, and changes it in place, without a
 * restart: the database is {@linkplain KiwiDataSource#reopen reopened} for the new role while the
 * application's borrowers wait.
 * <ul>
 * <li><b>Election.</b> A follower reads the claim every poll interval. Once the same version stood
 * still for the lease timeout on its own clock ({@link ClaimWatch}), or nobody holds it, it stands
 * as a candidate: it publishes the position it holds for that election ({@link Candidates}), waits
 * until every other live candidate has published too (at most half a lease timeout), and takes the
 * claim, by a conditional write, only when no live candidate holds more of the history. A better
 * candidate that does not take the claim within a lease timeout is taken for gone.</li>
 * <li><b>Promotion.</b> The winner applies what storage holds, stops following, reopens its file
 * with a writer and ships: its own generation, new since continuity with the old primary's can't
 * be proven. Its claim publishes its advertise URL; the others stream from it and forward writes
 * to it.</li>
 * <li><b>Stepping down.</b> A primary whose claim another node took is fenced (it acknowledges
 * nothing more) and then follows the new primary: its file, which may hold transactions it never
 * shipped, is {@linkplain KeptAside kept aside} and named in its health.</li>
 * </ul>
 */
public final class AutoReplication extends ReplicationEngineHandle implements KiwiDbReplicator {

	private static final System.Logger logger = System.getLogger(AutoReplication.class.getName());

	private final KiwiDataSource dataSource;

	private final ReplicaClient client;

	private final AutoSettings settings;

	private final AutoStart start;

	private final Path database;

	private final String node;

	private final ClaimWatch claimWatch;

	private final Candidates candidates;

	private final EngineThread thread = new EngineThread("kiwi-db-election");

	/** The role running now; replaced, on the election thread only, when it changes. */
	private volatile KiwiDbReplicator role;

	/** Whether {@link #role} is past its start: a primary that takes writes, a follower that follows. */
	private volatile boolean roleRunning;

	/** The expired claim's version this node stands as a candidate for, {@code null} when none. */
	private String election;

	private long electionStartedNanos;

	private long lastBeatNanos;

	private volatile String lastElection;

	private volatile Path keptAside;

	private volatile boolean closed;

	/** Run on the election thread each time this node becomes the primary in place. */
	private final List<Runnable> promotionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	AutoReplication(KiwiDataSource dataSource, ReplicaClient client, AutoSettings settings, AutoStart start) {
		super(client);
		this.dataSource = dataSource;
		this.client = client;
		this.settings = settings;
		this.start = start;
		this.database = dataSource.file()
			.orElseThrow(() -> new IllegalArgumentException("A node in auto mode needs a database file"))
			.path();
		try {
			this.node = NodeIdentity.of(this.database);
		}
		catch (IOException ex) {
			throw new ReplicaException("Could not read this node's id beside " + this.database + ": " + ex.getMessage(), ex);
		}
		this.claimWatch = new ClaimWatch(client, settings.leaseTimeout(), PrimaryLease.MonotonicClock.SYSTEM);
		this.candidates = new Candidates(client, this.node, settings.leaseTimeout(), PrimaryLease.MonotonicClock.SYSTEM);
		this.keptAside = start.keptAside();
		this.role = (start.opensAsPrimary()) ? newPrimary() : newFollower();
	}

	@Override
	void startEngine() {
		if (this.start.role() == AutoStart.Role.PRIMARY) {
			this.start.handOver();
			this.lastElection = "took the claim at start, at " + Instant.now();
		}
		else {
			// Read before the follower starts: it can stream the primary's commits before the
			// election thread's first tick, and its health names the claim it follows from then on.
			try {
				this.claimWatch.read();
				this.claimReadNanos = System.nanoTime();
			}
			catch (IOException ex) {
				// The election thread's ticks read it again.
			}
		}
		this.role.start();
		this.roleRunning = true;
		if (this.start.role() == AutoStart.Role.PROMOTED_AT_START) {
			this.thread.submit(() -> promote(this.start::handOver, "took the claim at start"));
		}
		this.thread.every(QUICK_TICK, QUICK_TICK, this::tickQuietly);
	}

	/**
	 * How often the election thread looks: the claim is read this often while this node does not
	 * stream from the primary (it may be gone: a clean handoff is found at once) or stands in an
	 * election, and every {@link #claimReadInterval()} otherwise.
	 */
	private static final Duration QUICK_TICK = Duration.ofMillis(100);

	private long claimReadNanos;

	/** How often the claim is read while the primary streams: the poll interval, at most a tenth of the lease timeout. */
	private Duration claimReadInterval() {
		Duration tenth = this.settings.leaseTimeout().dividedBy(10);
		return (this.settings.pollInterval().compareTo(tenth) < 0) ? this.settings.pollInterval() : tenth;
	}

	private void tickQuietly() {
		if (this.closed) {
			return;
		}
		try {
			if (this.role instanceof PrimaryReplication primary) {
				beatIfDue(primary.position().orElse(null));
				if (primary.deposed()) {
					stepDown(primary);
				}
			}
			else {
				followerTick();
			}
		}
		catch (Exception ex) {
			logger.log(Level.WARNING, "The election round on " + this.client.describe() + " failed: " + ex.getMessage());
		}
	}

	private void beatIfDue(Position position) throws IOException {
		long now = System.nanoTime();
		if (now - this.lastBeatNanos >= Candidates.beatInterval(this.settings.leaseTimeout()).toNanos()) {
			this.candidates.publish(this.election, position);
			this.lastBeatNanos = now;
		}
	}

	private void followerTick() throws IOException {
		long sinceRead = System.nanoTime() - this.claimReadNanos;
		boolean streaming = this.role instanceof ReadReplication follower && follower.streaming();
		// Until a read found the claim, every tick reads it: a stream that works from the first
		// moment must not leave this node without the claim it reports and watches for a whole interval.
		boolean claimKnown = this.claimWatch.last().claim() != null;
		if (streaming && claimKnown && this.election == null && sinceRead < claimReadInterval().toNanos()) {
			return;
		}
		this.claimReadNanos = System.nanoTime();
		Position mine = this.role.position().orElse(null);
		ClaimWatch.Seen seen;
		try {
			seen = this.claimWatch.read();
		}
		catch (IOException ex) {
			// Storage can't be read: nothing can be concluded, and nothing taken.
			return;
		}
		beatIfDue(mine);
		if (!seen.expired()) {
			this.election = null;
			return;
		}
		String election = seen.election();
		long now = System.nanoTime();
		if (!election.equals(this.election)) {
			this.election = election;
			this.electionStartedNanos = now;
			this.candidates.publish(election, mine);
			this.lastBeatNanos = now;
			return;
		}
		String holder = (seen.claim() != null) ? seen.claim().node() : null;
		boolean everyoneIn = true;
		Candidates.Candidate ahead = null;
		for (Candidates.Candidate other : this.candidates.readOthers()) {
			if (!other.alive() || other.node().equals(holder)) {
				continue;
			}
			if (!election.equals(other.election())) {
				everyoneIn = false;
			}
			else if (Candidates.ahead(other.position(), mine)
					|| (!Candidates.ahead(mine, other.position()) && other.node().compareTo(this.node) < 0)) {
				ahead = other;
			}
		}
		long waited = now - this.electionStartedNanos;
		long window = this.settings.leaseTimeout().dividedBy(2).toNanos();
		if (!everyoneIn && waited < window) {
			return;
		}
		if (ahead != null && waited < this.settings.leaseTimeout().toNanos() + window) {
			// The candidate that holds more takes it; one that does not within a lease timeout is gone.
			return;
		}
		PrimaryLease lease = new PrimaryLease(this.client, this.settings.leaseTimeout(), Clock.systemUTC(),
				PrimaryLease.MonotonicClock.SYSTEM, this.node, this.settings.peers().advertiseUrl());
		if (!lease.takeOver((seen.claim() != null) ? seen.claim().version() : null)) {
			// Another candidate was quicker: follow it.
			this.election = null;
			return;
		}
		String why = ((seen.claim() != null) ? "the claim of " + seen.claim().holder() + " stood still for the lease "
				+ "timeout" : "nobody held the claim") + "; this node held " + mine;
		ClaimKeeper keeper = ClaimKeeper.start(lease, "kiwi-db-claim-promotion");
		promote(keeper::stop, why);
	}

	/**
	 * Become the primary, holding the claim: apply what storage holds, stop following, reopen the
	 * file with a writer, and ship.
	 * @param handOver stops what renewed the claim until the primary's replication does
	 */
	private void promote(Runnable handOver, String why) {
		KiwiDbReplicator following = this.role;
		logger.log(Level.INFO, "This node becomes the primary of {0}: {1}", this.client.describe(), why);
		try {
			try {
				following.syncNow();
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Could not apply what " + this.client.describe() + " holds before the "
						+ "promotion: " + ex.getMessage());
			}
			this.roleRunning = false;
			following.close();
			this.dataSource.reopen(this.settings.asPrimary(), () -> {
				ReadReplication.forgetFollowing(this.database);
				return null;
			});
			PrimaryReplication primary = newPrimary();
			handOver.run();
			primary.start();
			this.role = primary;
			this.roleRunning = true;
			this.election = null;
			this.lastElection = "became the primary at " + Instant.now() + ": " + why;
			promoted();
		}
		catch (Exception ex) {
			handOver.run();
			logger.log(Level.ERROR, "The promotion to primary of " + this.client.describe() + " failed: " + ex.getMessage(),
					ex);
			this.lastElection = "promotion failed at " + Instant.now() + ": " + ex.getMessage();
			followAgain();
		}
	}

	/**
	 * Run {@code listener} each time this node becomes the primary while it runs (not when it
	 * starts as the primary): for what a primary does once, as migrating the schema.
	 */
	public void onPromotion(Runnable listener) {
		this.promotionListeners.add(listener);
	}

	private void promoted() {
		for (Runnable listener : this.promotionListeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.log(Level.ERROR, "After this node became the primary, " + listener + " failed: " + ex.getMessage(),
						ex);
			}
		}
	}

	/**
	 * Follow the primary that took the claim: stop the deposed primary (it ships nothing more),
	 * keep its file aside, and reopen as a replica restored from storage.
	 */
	private void stepDown(PrimaryReplication primary) throws Exception {
		logger.log(Level.WARNING, "This node is no longer the primary of {0}; it steps down and follows", this.client.describe());
		this.roleRunning = false;
		primary.close();
		follow("another node took the primary claim");
		this.lastElection = "stepped down at " + Instant.now() + ": another node took the claim, and this node follows it";
	}

	/** After a failed promotion: follow again, on a file made a follower's copy again. */
	private void followAgain() {
		try {
			follow("its promotion to primary failed");
		}
		catch (Exception ex) {
			logger.log(Level.ERROR, "This node could not follow " + this.client.describe() + " again: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reopen the database as a follower's copy restored from storage, the file as it stands kept
	 * aside when it is a primary's, and follow.
	 * @param why why the file can't be followed over, for the log
	 */
	private void follow(String why) throws Exception {
		this.dataSource.reopen(this.settings.asReplica(), () -> {
			keepAsideUnlessFollowed(why);
			Follower.prepare(this.database, this.client, this.settings.allowOlderGeneration());
			return null;
		});
		ReadReplication follower = newFollower();
		follower.start();
		this.role = follower;
		this.roleRunning = true;
	}

	/**
	 * Keep the file aside when it is a primary's (not a follower's copy): a step down that failed
	 * half way (storage gone again while restoring) is tried again, and finds it moved already.
	 */
	private void keepAsideUnlessFollowed(String why) throws IOException {
		if (java.nio.file.Files.exists(this.database) && !java.nio.file.Files.exists(Follower.stateFile(this.database))) {
			this.keptAside = KeptAside.move(this.database, why);
		}
	}

	private PrimaryReplication newPrimary() {
		PrimaryReplication primary = KiwiDbReplicator.primary(this.dataSource, this.client, this.settings.shipping(),
				this.settings.unhealthyAfter(), this.settings.peers(), this.settings.commitAck());
		primary.sharingClient();
		return primary;
	}

	private ReadReplication newFollower() {
		ReadReplication follower = KiwiDbReplicator.readReplica(this.dataSource, this.client,
				this.settings.pollInterval(), this.settings.maxLag(), this.settings.peers());
		follower.sharingClient();
		return follower;
	}

	/** This node's id, which the claim names while it is the primary. */
	String node() {
		return this.node;
	}

	/** The primary's replication while this node is the primary: what streams to followers. */
	Optional<PrimaryReplication> primary() {
		return (this.roleRunning && this.role instanceof PrimaryReplication primary) ? Optional.of(primary)
				: Optional.empty();
	}

	@Override
	public boolean takesWrites() {
		return this.roleRunning && this.role.takesWrites();
	}

	@Override
	public Optional<String> primaryUrl() {
		return this.role.primaryUrl();
	}

	@Override
	public Optional<Position> position() {
		return this.role.position();
	}

	@Override
	public boolean awaitPosition(Position position, Duration timeout) throws InterruptedException {
		return this.role.awaitPosition(position, timeout);
	}

	@Override
	public void syncNow() {
		this.role.syncNow();
	}

	@Override
	public boolean isHealthy() {
		return this.roleRunning && this.role.isHealthy();
	}

	@Override
	public ReplicationHealth health() {
		ReplicationHealth health = this.role.health();
		Map<String, Object> details = new LinkedHashMap<>(health.details());
		details.put("mode", "auto");
		details.put("node", this.node);
		ClaimWatch.Seen seen = this.claimWatch.last();
		Optional<PrimaryClaim.Held> held = primary().flatMap(PrimaryReplication::claimHeld);
		if (held.isPresent()) {
			// As the holder sees it: how long it acknowledges commits without renewing.
			details.put("claimHolder", this.node);
			details.put("claimVersion", held.get().version());
			details.put("claimExpiresIn", held.get().validFor().toMillis());
		}
		else if (seen.claim() != null) {
			details.put("claimHolder", seen.claim().node());
			details.put("claimVersion", seen.claim().version());
			details.put("claimExpiresIn", Duration.ofNanos(seen.expiresInNanos()).toMillis());
		}
		if (this.lastElection != null) {
			details.put("lastElection", this.lastElection);
		}
		Path kept = this.keptAside;
		if (kept != null) {
			details.put("keptAside", kept.toString());
		}
		ReplicationHealth.State state = this.roleRunning ? health.state() : ReplicationHealth.State.DOWN;
		return new ReplicationHealth(state, details);
	}

	/**
	 * A primary's meters, read from the role running now: while this node follows, the shipping
	 * counters stand still and the lag is the follower's.
	 */
	@Override
	public List<ReplicationMeter> meters() {
		List<ReplicationMeter> meters = new ArrayList<>();
		for (ReplicationMeter meter : PrimaryReplication.meters(() -> primary().orElse(null))) {
			meters.add(meter.name().equals(LAG) ? new ReplicationMeter(LAG, "How far this node may be behind the "
					+ "primary's commits, or its commits behind the replica", meter.baseUnit(), meter.kind(), this::lag)
					: meter);
		}
		return meters;
	}

	private static final String LAG = "kiwi.db.replication.lag";

	private double lag() {
		for (ReplicationMeter meter : this.role.meters()) {
			if (meter.name().equals(LAG)) {
				return meter.value().getAsDouble();
			}
		}
		return Double.NaN;
	}

	/** Stop the role running now: a primary ships everything and releases its claim, for a candidate to take. */
	@Override
	void stopEngine() {
		this.closed = true;
		this.roleRunning = false;
		this.thread.stop();
		this.start.handOver();
		try {
			this.role.close();
			// Gone cleanly: the candidates of the next election do not wait for this node.
			this.client.delete(List.of(Candidates.FOLDER + this.node));
		}
		catch (IOException ex) {
			throw new ReplicaException("Stopping replication to " + this.client.describe() + " failed: " + ex.getMessage(),
					ex);
		}
	}

}
