package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import io.kiwistack.db.DatabaseFile;
import io.kiwistack.db.KiwiDataSource;

/**
 * Ships every committed transaction of a primary database to a replica. Each sync ships the log
 * past the shipped position ({@link LogShipper}); the position moves only once a segment is
 * durable, and is one immutable {@link ShippingState} published whole. The replicator is the only
 * one that checkpoints ({@link Checkpoints}). Whenever it can't prove continuity with what it
 * shipped, it starts a new generation with a snapshot ({@link Snapshots}), streamed to the replica
 * before any of the generation's segments; at start it resumes the generation it shipped before
 * where it can ({@link GenerationResume}). All work runs on one thread.
 * <p>
 * The replicator holds the {@linkplain PrimaryClaim primary's claim} on the replica: commits are
 * acknowledged only while the claim is known to be valid, and never again once another node took
 * it.
 */
final class Replicator implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(Replicator.class.getName());

	/** Why the first generation of a run begins when the last one can't be resumed. */
	private static final String STARTED = "this primary started";

	/** How often {@link #syncIfLogGrew()} looks at the log between syncs: one small read each time. */
	private static final Duration GROWTH_CHECK_INTERVAL = Duration.ofMillis(20);

	private final KiwiDataSource dataSource;

	private final Path database;

	private final ReplicaClient client;

	private final ReplicationSettings settings;

	private final Clock clock;

	private final EngineThread thread = new EngineThread("kiwi-db-replicator");

	private final PrimaryClaim claim;

	private final WalFile wal;

	private final SyncHistory history;

	private final LogShipper shipper;

	private final Snapshots snapshots;

	private final Retention retention;

	private final Checkpoints checkpoints;

	private final SyncSchedule schedule;

	/** What is shipped: written by the replicator's thread only, read from any. */
	private volatile ShippingState state = new ShippingState.NoGeneration(STARTED, null);

	private volatile boolean closed;

	/** This node's id, which survives its restarts: the claim names it. */
	private final String node;

	/** Where followers read the transactions not shipped yet. */
	private final LiveLog liveLog;

	/** Whether a sync asked for by {@link #syncSoon()} is waiting to run. */
	private final java.util.concurrent.atomic.AtomicBoolean syncAsked = new java.util.concurrent.atomic.AtomicBoolean();

	private io.kiwistack.db.CommitWatch.Registration commitListener;

	Replicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings) {
		this(dataSource, client, settings, Clock.systemUTC());
	}

	Replicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings, Clock clock) {
		this(dataSource, client, settings, clock, null);
	}

	/**
	 * @param advertiseUrl where the other nodes reach this one, published in the claim; {@code null}
	 * when they need not
	 */
	Replicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings, Clock clock,
			String advertiseUrl) {
		DatabaseFile file = dataSource.file()
			.orElseThrow(() -> new IllegalArgumentException("An in-memory database has no log to replicate"));
		this.dataSource = dataSource;
		this.database = file.path();
		this.client = client;
		this.settings = settings;
		this.clock = clock;
		this.history = new SyncHistory(clock);
		try {
			this.node = NodeIdentity.of(file.path());
			this.claim = new PrimaryClaim(client, settings.leaseTimeout(), clock, this.node, advertiseUrl,
					dataSource.writeFence(), this.history::failing);
		}
		catch (IOException ex) {
			throw new ReplicaException("Could not read or write this node's id beside " + file + ": " + ex.getMessage(), ex);
		}
		this.wal = new WalFile(file);
		this.shipper = new LogShipper(this.wal, client, this.claim, this.history);
		this.snapshots = new Snapshots(dataSource, client, this.claim, settings.snapshotInterval(), clock);
		this.retention = new Retention(client, this.claim, settings.retention(), clock);
		this.checkpoints = new Checkpoints(dataSource, this.wal, settings.checkpointThresholdBytes(), this.history);
		this.schedule = new SyncSchedule(settings.syncInterval(), clock);
		this.liveLog = new LiveLog(() -> this.state, this.wal, this::syncSoon);
	}

	/**
	 * Claim the replica, then start shipping: the generation shipped before where it can be
	 * resumed, a new one otherwise, then a sync every sync interval. A replica that can't be
	 * reached does not stop the start: the service keeps accepting writes, and the claim is made
	 * once the replica answers.
	 * @throws ReplicaLeaseHeldException when another primary holds the replica
	 */
	void start() {
		try {
			this.claim.take();
		}
		catch (ReplicaLeaseHeldException ex) {
			throw ex;
		}
		catch (IOException | ReplicaException ex) {
			logger.log(Level.WARNING, "Could not claim " + this.client.describe() + " yet (" + ex.getMessage()
					+ "); writes go on, and replication starts once it answers");
		}
		this.commitListener = this.dataSource.commitWatch().onEveryCommit(this.liveLog::committed);
		Duration interval = this.settings.syncInterval();
		this.thread.onTheBeat(interval, Duration.ZERO, this::syncQuietly);
		Duration growthCheck = (interval.compareTo(GROWTH_CHECK_INTERVAL) < 0) ? interval : GROWTH_CHECK_INTERVAL;
		this.thread.every(growthCheck, growthCheck, this::syncIfLogGrew);
	}

	/**
	 * Between syncs, sync at once when the log has grown by a checkpoint threshold since the last
	 * ship. Under the unthrottled single-row benchmark (about 500 MB/s of log) the log otherwise
	 * grew by 900 MB per sync interval: that much committed data was not yet in the replica, every
	 * checkpoint first had to flush all of it, and the writer ran at three quarters of its rate
	 * without replication. Synced in checkpoint-sized steps it ran at 0.97x. A burst of writes is
	 * also in the replica long before the interval is up.
	 */
	private void syncIfLogGrew() {
		if (this.closed || this.claim.deposed() || !this.schedule.attemptDue()
				|| !(this.state instanceof ShippingState.Shipping shipping) || shipping.log().header() == null) {
			return;
		}
		try {
			WalHeader current = this.wal.header();
			if (current == null || this.schedule.fruitlessEarlySyncAt(shipping.log())) {
				// The last early sync found nothing committed past here (a large transaction still
				// open, or frames left by a rollback): leave it to the timed syncs until more ships.
				return;
			}
			if (this.wal.grewPast(shipping.log(), current, this.settings.checkpointThresholdBytes())) {
				syncQuietly();
				if (this.state.position() != null && this.state.position().equals(shipping.position())) {
					this.schedule.earlySyncWasFruitless(shipping.log());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The next timed sync ships it, or reports what is wrong.
		}
	}

	/**
	 * Ship everything committed so far, and wait for it.
	 * @throws ReplicaException when the sync fails
	 */
	void syncNow() {
		this.thread.runAndWait(() -> {
			sync();
			return null;
		}, null, "replication");
	}

	/**
	 * Wait until every transaction committed before this call is in the replica.
	 * @return whether it got there within {@code timeout}
	 */
	boolean awaitReplicated(Duration timeout) {
		if (this.claim.deposed()) {
			return false;
		}
		try {
			this.thread.runAndWait(() -> {
				sync();
				return null;
			}, timeout, "replication");
			return true;
		}
		catch (ReplicaException ex) {
			return false;
		}
	}

	/**
	 * Sync on the replicator's thread as soon as it is free, without waiting: a follower waits for
	 * the log the replicator has not moved to yet. Asked many times, it runs once.
	 */
	private void syncSoon() {
		if (!this.closed && this.syncAsked.compareAndSet(false, true)) {
			this.thread.submit(() -> {
				this.syncAsked.set(false);
				syncQuietly();
			});
		}
	}

	/** Where followers read what is committed but not shipped yet. */
	LiveLog liveLog() {
		return this.liveLog;
	}

	/** Who is told of the primary's commits. */
	io.kiwistack.db.CommitWatch commitWatch() {
		return this.dataSource.commitWatch();
	}

	/** This node's id, as its claim names it. */
	String node() {
		return this.node;
	}

	/** Running totals, cheap to read: for metrics. */
	ReplicationCounters counters() {
		return this.history.counters();
	}

	/** The claim as this node holds it, empty while it does not. */
	java.util.Optional<PrimaryClaim.Held> claimHeld() {
		return this.claim.holding();
	}

	/** Whether another node took the claim: this node never ships again. */
	boolean deposed() {
		return this.claim.deposed();
	}

	/** Why this node acknowledges no commits now, {@code null} while it does; cheap, unlike {@link #status()}. */
	String writesRefused() {
		return this.claim.refusal();
	}

	/** Where replication stands now: one shipping state, read once. */
	ReplicationStatus status() {
		ShippingState shipped = this.state;
		PendingScan.Pending pending = PendingScan.of(this.wal, shipped);
		return new ReplicationStatus(this.client.describe(), shipped.position(), this.history.lastSuccessfulSync(),
				pending.bytes(), pending.transactions(), this.history.transactionsShipped(), this.history.lastError(),
				this.history.failingSince(), this.history.longestBarrier(), this.claim.refusal());
	}

	/**
	 * Ship everything behind the write barrier, checkpoint it into the file and record where it
	 * stopped, so the next start resumes this generation; then release the claim and stop.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.commitListener != null) {
			this.commitListener.close();
		}
		if (this.claim.deposed()) {
			// Another node writes this replica now: nothing of ours goes there, and the claim is not ours to release.
			this.thread.stopNow();
			this.checkpoints.close();
			closeWal();
			return;
		}
		try {
			this.thread.runAndWait(() -> {
				try (Connection barrier = this.dataSource.getConnection()) {
					this.claim.renewIfDue();
					optimize(barrier);
					shipEverything();
					this.snapshots.publishFirstDigest();
					recordCleanStop();
				}
				return null;
			}, null, "replication");
		}
		catch (ReplicaException ex) {
			logger.log(Level.WARNING, "The final sync to " + this.client.describe() + " failed: " + ex.getMessage(), ex);
		}
		finally {
			// Periodic syncs are cancelled; one still running finishes before the claim is released.
			this.thread.stop();
			this.claim.release();
			this.checkpoints.close();
			closeWal();
		}
	}

	private void closeWal() {
		try {
			this.wal.close();
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Closing the replicator's descriptor of " + this.wal + " failed: " + ex.getMessage());
		}
	}

	/**
	 * Run the {@code PRAGMA optimize} the data source runs as it closes, now, so that what it writes
	 * (an {@code ANALYZE}'s {@code sqlite_stat1}, on a table never analyzed or grown much) is shipped
	 * with the rest: written after the clean stop was recorded, it changed the file, and the next
	 * start began a new generation with a full snapshot. The data source's own run then finds
	 * nothing to do.
	 */
	private void optimize(Connection barrier) {
		try (Statement statement = barrier.createStatement()) {
			statement.execute("PRAGMA optimize");
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "PRAGMA optimize before the final sync failed: " + ex.getMessage());
		}
	}

	/** One scheduled round; after a failure, attempts back off, but the log is kept within its bound. */
	private void syncQuietly() {
		if (this.closed || this.claim.deposed()) {
			return;
		}
		if (!this.schedule.attemptDue()) {
			this.claim.renewQuietlyIfDue();
			keepLogWithinBound();
			return;
		}
		try {
			sync();
			this.schedule.succeeded();
		}
		catch (Exception ex) {
			if (this.claim.deposed()) {
				// Logged once, when it happened; there is no next attempt.
				return;
			}
			Duration backoff = this.schedule.failed();
			logger.log(Level.WARNING, "Replication to " + this.client.describe() + " failed (attempt "
					+ this.schedule.consecutiveFailures() + ", next in " + backoff.toMillis() + " ms): " + ex.getMessage());
			keepLogWithinBound();
		}
	}

	/**
	 * With the replica unreachable the log can't be shipped, and without checkpoints it would grow
	 * without end. Past its bound it is checkpointed anyway, and the next successful sync starts a
	 * new generation with a snapshot.
	 */
	private void keepLogWithinBound() {
		if (this.checkpoints.checkpointUnshippedPast(this.settings.maxWalBytes())
				&& this.state instanceof ShippingState.Shipping shipping) {
			logger.log(Level.WARNING, "The log of " + this.database + " reached its bound of " + this.settings.maxWalBytes()
					+ " bytes while " + this.client.describe() + " was unreachable; it was checkpointed without being "
					+ "shipped, and a new generation with a snapshot starts once the replica is back");
			this.state = new ShippingState.NoGeneration("continuity with the replica was lost: the log was "
					+ "checkpointed without being shipped while the replica was unreachable", shipping.position());
		}
	}

	private void sync() throws IOException {
		if (this.claim.deposed()) {
			throw new PrimaryClaimLostException(this.claim.refusal());
		}
		try {
			this.claim.renewIfDue();
			shipEverything();
			this.snapshots.publishFirstDigest();
			LogProgress shipped = shipping().log();
			if (this.snapshots.writeIfDue(shipped.generation(), shipped.index())) {
				this.retention.enforce(shipped.generation());
			}
			if (shipped.offset() >= this.settings.checkpointThresholdBytes()) {
				boolean complete = this.checkpoints.checkpointQuietly(this::shipTail);
				if (this.state instanceof ShippingState.Shipping after) {
					this.state = after.checkpointed(complete);
				}
			}
			this.history.succeeded();
		}
		catch (IOException | RuntimeException ex) {
			this.history.failed(ex.getMessage());
			throw ex;
		}
	}

	/** Ship the tail; without a generation, resume the last one where continuity is proven, or start one. */
	private void shipEverything() throws IOException {
		if (this.state instanceof ShippingState.NoGeneration none) {
			if (none.position() == null && resume()) {
				shipTail();
			}
			else {
				startGeneration(((ShippingState.NoGeneration) this.state).reason());
			}
		}
		else {
			shipTail();
		}
	}

	private boolean resume() throws IOException {
		GenerationResume.Outcome outcome = new GenerationResume(this.client, this.wal, this.database).decide();
		if (outcome instanceof GenerationResume.NewGeneration fresh) {
			this.state = new ShippingState.NoGeneration(STARTED + ", and " + fresh.reason(), null);
			return false;
		}
		GenerationResume.Resumed resumed = (GenerationResume.Resumed) outcome;
		// From here the file changes again: a crash must not find the clean stop's record.
		new ShippedRecord(resumed.shipped().generation(), null).keep(this.database);
		this.snapshots.resumed(resumed.snapshot());
		this.state = new ShippingState.Shipping(resumed.shipped(), resumed.checkpointedEverythingShipped());
		logger.log(Level.INFO, "Resuming replication generation {0} in {1} at {2}: continuity with what was shipped "
				+ "is proven, so no new snapshot is needed", resumed.shipped().generation(), this.client.describe(),
				resumed.shipped().position());
		return true;
	}

	/**
	 * Start a new generation: stream the database file to the replica as its snapshot, then ship
	 * the log as it stands as its index 0. No segment of a generation is written before its
	 * snapshot is durable, and nothing counts as shipped before then: a snapshot that can't be
	 * written leaves the generation unused and everything pending. No checkpoint runs in between,
	 * so the database file copied is the base those segments need.
	 */
	private void startGeneration(String reason) throws IOException {
		String next = ReplicaLayout.newGeneration();
		logger.log(Level.INFO, "Starting replication generation {0} in {1}, with a snapshot: {2}", next,
				this.client.describe(), reason);
		this.snapshots.writeFirst(next);
		new ShippedRecord(next, null).keep(this.database);
		this.state = new ShippingState.Shipping(LogProgress.start(next, 0), false);
		shipTail();
		this.snapshots.publishFirstDigest();
		this.retention.enforce(next);
	}

	/** Ship the tail of the current log, following SQLite into its next log where continuity allows. */
	private LogProgress shipTail() throws IOException {
		ShippingState.Shipping from = shipping();
		LogShipper.Tail tail = this.shipper.shipTail(from.log(),
				(shipped) -> this.state = ((ShippingState.Shipping) this.state).moved(shipped));
		if (tail.logRestarted()) {
			ShippingState.Shipping restarted = shipping();
			if (restarted.checkpointedEverythingShipped()) {
				this.shipper.recordEnd(restarted.log());
				this.liveLog.indexFinished(restarted.log());
				this.state = new ShippingState.Shipping(restarted.log().nextIndex(), false);
				this.liveLog.movedToNextIndex();
				return shipTail();
			}
			startGeneration("the write-ahead log was restarted over frames that were not shipped");
		}
		return shipping().log();
	}

	/**
	 * At a clean stop, with everything shipped and the writer held: checkpoint the whole log into
	 * the file and record where shipping ended with the file's fingerprint, for the next start.
	 */
	private void recordCleanStop() throws IOException {
		ShippingState.Shipping shipped = shipping();
		if (this.checkpoints.checkpointAllShipped(shipped.log())) {
			LogProgress end = shipped.log();
			new ShippedRecord(end.generation(),
					new ShippedRecord.CleanStop(end.index(), end.offset(), DatabaseFingerprint.of(this.database)))
				.keep(this.database);
		}
	}

	private ShippingState.Shipping shipping() {
		return (ShippingState.Shipping) this.state;
	}

}
