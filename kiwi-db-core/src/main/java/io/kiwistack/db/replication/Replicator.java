package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.kiwistack.db.DatabaseFile;
import io.kiwistack.db.HeldOpenFile;
import io.kiwistack.db.KiwiDataSource;

/**
 * Ships every committed transaction of a primary database to a replica. Each sync reads the
 * write-ahead log past the shipped position, checks salts and checksums, and writes the frames up
 * to the last commit as one immutable segment; the position moves only once the segment is
 * durable. The replicator is the only one that checkpoints (connections run with
 * {@code wal_autocheckpoint=0}): it takes the writer connection as a brief barrier, ships the
 * tail, then runs a PASSIVE checkpoint, so SQLite never restarts the log over frames not shipped.
 * Whenever it can't prove continuity with what it shipped, it starts a new generation with a
 * snapshot, streamed to the replica before any of the generation's segments. All work runs on one
 * thread.
 * <p>
 * The replicator holds the {@linkplain PrimaryLease primary's claim} on the replica and keeps the
 * data source's {@link io.kiwistack.db.WriteFence} in step with it: commits are acknowledged only while the claim
 * is known to be valid, and never again once another node took it.
 */
final class Replicator implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(Replicator.class.getName());

	/** Why the first generation of a run begins: a primary that starts ships from a new snapshot. */
	private static final String STARTED = "this primary started, and a start begins a new generation with a snapshot";

	private static final int PENDING_SCAN_LIMIT = 4 * 1024 * 1024;

	private static final int SEGMENT_READ_LIMIT = 16 * 1024 * 1024;

	private final KiwiDataSource dataSource;

	private final DatabaseFile file;

	private final ReplicaClient client;

	private final ReplicationSettings settings;

	private final Clock clock;

	private final ScheduledExecutorService executor;

	private final PrimaryClaim claim;

	private final Checkpointer checkpointer;

	/** The digest of the generation's first snapshot, written once its first segments are: then read replicas switch to it. */
	private PendingDigest unpublishedDigest;

	/** The last checkpoint failure logged, so that one failing at every sync is logged once. */
	private String lastCheckpointFailure;

	private int consecutiveFailures;

	private Instant nextAttempt = Instant.EPOCH;

	private String generation;

	private long index;

	private long offset;

	private WalHeader header;

	private WalChecksum checksum;

	private boolean checkpointedEverythingShipped;

	private Instant lastSnapshot;

	private long snapshotIndex = -1;

	private volatile Position position;

	private volatile Instant lastSuccessfulSync;

	private volatile String lastError;

	private volatile Instant failingSince;

	private volatile long transactionsShipped;

	private volatile boolean closed;

	/** How often {@link #syncIfLogGrew()} looks at the log between syncs: one small read each time. */
	private static final Duration GROWTH_CHECK_INTERVAL = Duration.ofMillis(20);

	/**
	 * How many checkpoint thresholds (4 MB at the default) of unshipped log start a sync before the
	 * interval is up: the log is then shipped and checkpointed in steps of about that size, as
	 * SQLite's own auto-checkpoint would, instead of once per interval.
	 */
	private static final int EARLY_SYNC_THRESHOLDS = 1;

	/** Where an early sync last shipped nothing, so that the next one waits for progress. */
	private long fruitlessEarlySyncOffset = -1;

	private WalHeader fruitlessEarlySyncHeader;

	/** The most log a checkpoint barrier may have to ship while the writer waits: tens of milliseconds of work. */
	private static final long BARRIER_MAX_BYTES = 8L * 1024 * 1024;

	private volatile long longestBarrierNanos;

	private final java.util.concurrent.atomic.LongAdder bytesShipped = new java.util.concurrent.atomic.LongAdder();

	private final java.util.concurrent.atomic.LongAdder segmentsShipped = new java.util.concurrent.atomic.LongAdder();

	private final java.util.concurrent.atomic.LongAdder failedSyncs = new java.util.concurrent.atomic.LongAdder();

	Replicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings) {
		this(dataSource, client, settings, Clock.systemUTC());
	}

	Replicator(KiwiDataSource dataSource, ReplicaClient client, ReplicationSettings settings, Clock clock) {
		this.dataSource = dataSource;
		this.file = dataSource.file()
			.orElseThrow(() -> new IllegalArgumentException("An in-memory database has no log to replicate"));
		this.client = client;
		this.settings = settings;
		this.clock = clock;
		try {
			this.claim = new PrimaryClaim(client, settings.leaseTimeout(), clock, NodeIdentity.of(this.file.path()),
					dataSource.writeFence(), this::deposed);
		}
		catch (IOException ex) {
			throw new ReplicaException("Could not read or write this node's id beside " + this.file + ": " + ex.getMessage(), ex);
		}
		this.checkpointer = new Checkpointer(dataSource.jdbcUrl());
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "kiwi-db-replicator");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Claim the replica, then start shipping: a new generation now, then a sync every sync
	 * interval. A replica that can't be reached does not stop the start: the service keeps
	 * accepting writes, and the claim is made once the replica answers.
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
		long interval = this.settings.syncInterval().toNanos();
		this.executor.scheduleWithFixedDelay(this::syncQuietly, 0, interval, TimeUnit.NANOSECONDS);
		long growthCheck = Math.min(interval, GROWTH_CHECK_INTERVAL.toNanos());
		this.executor.scheduleWithFixedDelay(this::syncIfLogGrew, growthCheck, growthCheck, TimeUnit.NANOSECONDS);
	}

	private void deposed(String reason) {
		this.lastError = reason;
		if (this.failingSince == null) {
			this.failingSince = this.clock.instant();
		}
	}

	private boolean deposed() {
		return this.claim.deposed();
	}

	/**
	 * Between syncs, sync at once when the log has grown by {@link #EARLY_SYNC_THRESHOLDS}
	 * checkpoint thresholds since the last ship. Under the unthrottled single-row benchmark (about
	 * 500 MB/s of log) the log otherwise grew by 900 MB per sync interval: that much committed data
	 * was not yet in the replica, every checkpoint first had to flush all of it, and the writer ran
	 * at three quarters of its rate without replication. Synced in checkpoint-sized steps it ran at
	 * 0.97x. A burst of writes is also in the replica long before the interval is up.
	 */
	private void syncIfLogGrew() {
		if (this.closed || deposed() || this.header == null || this.clock.instant().isBefore(this.nextAttempt)) {
			return;
		}
		try {
			WalHeader current = readHeader();
			if (current == null) {
				return;
			}
			if (this.offset == this.fruitlessEarlySyncOffset && this.header == this.fruitlessEarlySyncHeader) {
				// The last early sync found nothing committed past here (a large transaction still
				// open, or frames left by a rollback): leave it to the timed syncs until more ships.
				return;
			}
			if (this.generation != null
					&& grewPast(current, EARLY_SYNC_THRESHOLDS * this.settings.checkpointThresholdBytes())) {
				long offsetBefore = this.offset;
				WalHeader headerBefore = this.header;
				syncQuietly();
				if (this.offset == offsetBefore && this.header == headerBefore) {
					this.fruitlessEarlySyncOffset = offsetBefore;
					this.fruitlessEarlySyncHeader = headerBefore;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// The next timed sync ships it, or reports what is wrong.
		}
	}

	/**
	 * Whether the log has grown by {@code bytes} past what was shipped of it: the frame that far on
	 * carries the current log's salts. One small read. A log that restarted after a checkpoint is
	 * measured from its start.
	 */
	private boolean grewPast(WalHeader current, long bytes) throws IOException {
		long frameSize = current.frameSize();
		long frames = Math.max(1, bytes / frameSize);
		long shipped = this.header.sameLogAs(current) ? Math.max(this.offset, WalHeader.SIZE) : WalHeader.SIZE;
		byte[] frameHeader = readWal(shipped + (frames - 1) * frameSize, WalFrames.FRAME_HEADER_SIZE);
		if (frameHeader.length < WalFrames.FRAME_HEADER_SIZE) {
			return false;
		}
		ByteBuffer salts = ByteBuffer.wrap(frameHeader, 8, 8);
		return salts.getInt() == current.salt1() && salts.getInt() == current.salt2();
	}

	/**
	 * Ship everything committed so far, and wait for it.
	 * @throws ReplicaException when the sync fails
	 */
	void syncNow() {
		await(this.executor.submit(() -> {
			sync();
			return null;
		}), null);
	}

	/**
	 * Wait until every transaction committed before this call is in the replica.
	 * @param timeout how long to wait
	 * @return whether it got there in time
	 */
	boolean awaitReplicated(Duration timeout) {
		if (deposed()) {
			return false;
		}
		try {
			await(this.executor.submit(() -> {
				sync();
				return null;
			}), timeout);
			return true;
		}
		catch (ReplicaException ex) {
			return false;
		}
	}

	/** Running totals, cheap to read: for metrics. */
	ReplicationCounters counters() {
		return new ReplicationCounters(this.bytesShipped.sum(), this.segmentsShipped.sum(), this.failedSyncs.sum(),
				this.transactionsShipped, this.lastSuccessfulSync, this.failingSince);
	}

	/** Why this node acknowledges no commits now, {@code null} while it does; cheap, unlike {@link #status()}. */
	String writesRefused() {
		return this.claim.refusal();
	}

	/** Where replication stands now. */
	ReplicationStatus status() {
		Pending pending = pending();
		return new ReplicationStatus(this.client.describe(), this.position, this.lastSuccessfulSync, pending.bytes(),
				pending.transactions(), this.transactionsShipped, this.lastError, this.failingSince,
				Duration.ofNanos(this.longestBarrierNanos), this.claim.refusal());
	}

	/** Ship everything, behind the write barrier, then stop. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (deposed()) {
			// Another node writes this replica now: nothing of ours goes there, and the claim is not ours to release.
			this.executor.shutdown();
			closeCheckpointer();
			return;
		}
		try {
			await(this.executor.submit(() -> {
				try (Connection barrier = this.dataSource.getConnection()) {
					this.claim.renewIfDue();
					if (this.generation == null) {
						startGeneration(STARTED);
					}
					else {
						shipTail();
					}
				}
				return null;
			}), null);
		}
		catch (ReplicaException ex) {
			logger.log(Level.WARNING, "The final sync to " + this.client.describe() + " failed: " + ex.getMessage(), ex);
		}
		finally {
			// Periodic syncs are cancelled; one still running finishes before the claim is released.
			this.executor.shutdown();
			try {
				if (!this.executor.awaitTermination(30, TimeUnit.SECONDS)) {
					this.executor.shutdownNow();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.executor.shutdownNow();
			}
			this.claim.release();
			closeCheckpointer();
		}
	}

	private void closeCheckpointer() {
		try {
			this.checkpointer.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Closing the replicator's connections failed", ex);
		}
	}

	/**
	 * One scheduled round. After a failure, attempts back off (doubling up to 32 sync intervals),
	 * but the log is kept within its bound between attempts.
	 */
	private void syncQuietly() {
		if (this.closed || deposed()) {
			return;
		}
		Instant now = this.clock.instant();
		if (now.isBefore(this.nextAttempt)) {
			this.claim.renewQuietlyIfDue();
			keepLogWithinBound();
			return;
		}
		try {
			sync();
			this.consecutiveFailures = 0;
		}
		catch (Exception ex) {
			if (deposed()) {
				// Logged once, when it happened; there is no next attempt.
				return;
			}
			this.consecutiveFailures++;
			Duration backoff = this.settings.syncInterval().multipliedBy(1L << Math.min(5, this.consecutiveFailures));
			this.nextAttempt = this.clock.instant().plus(backoff);
			logger.log(Level.WARNING, "Replication to " + this.client.describe() + " failed (attempt "
					+ this.consecutiveFailures + ", next in " + backoff.toMillis() + " ms): " + ex.getMessage());
			keepLogWithinBound();
		}
	}

	/**
	 * With the replica unreachable the log can't be shipped, and without checkpoints it would grow
	 * without end. Past its bound, checkpoint anyway: the frames not shipped are then gone from the
	 * log, so the next successful sync starts a new generation with a snapshot.
	 */
	private void keepLogWithinBound() {
		if (walSize() < this.settings.maxWalBytes()) {
			return;
		}
		// The writer is held as a barrier, and the checkpoint runs on the replicator's own
		// connection: the writer's statements stop while commits are fenced.
		try (Connection barrier = this.dataSource.getConnection()) {
			this.checkpointer.passive();
			if (this.generation != null) {
				logger.log(Level.WARNING, "The log of " + this.file + " reached " + walSize()
						+ " bytes while " + this.client.describe() + " was unreachable; it was checkpointed without "
						+ "being shipped, and a new generation with a snapshot starts once the replica is back");
				this.generation = null;
			}
		}
		catch (SQLException ex) {
			logger.log(Level.WARNING, "Could not checkpoint " + this.file + ": " + ex.getMessage(), ex);
		}
	}

	private void sync() throws IOException {
		if (deposed()) {
			throw new PrimaryClaimLostException(this.claim.refusal());
		}
		try {
			this.claim.renewIfDue();
			if (this.generation == null) {
				startGeneration((this.position == null) ? STARTED : "continuity with the replica was lost");
			}
			else {
				shipTail();
			}
			publishDigest();
			if (this.snapshotIndex != this.index && snapshotDue()) {
				byte[] sha256 = snapshot(this.generation, this.index);
				this.claim.checkStillPrimary();
				this.client.write(ReplicaLayout.snapshotDigestPath(this.generation, this.index),
						SnapshotDigest.record(this.generation, this.index, sha256));
				enforceRetention();
			}
			else if (snapshotDue()) {
				// The current log index has its snapshot already: replaying it from there is short,
				// and a snapshot rewritten in place would lose its date for restores to a point in time.
				this.lastSnapshot = this.clock.instant();
			}
			if (this.offset >= this.settings.checkpointThresholdBytes()) {
				checkpointQuietly();
			}
			this.lastSuccessfulSync = this.clock.instant();
			this.lastError = null;
			this.failingSince = null;
		}
		catch (IOException | RuntimeException ex) {
			this.failedSyncs.increment();
			this.lastError = ex.getMessage();
			if (this.failingSince == null) {
				this.failingSince = this.clock.instant();
			}
			throw ex;
		}
	}

	private boolean snapshotDue() {
		return this.lastSnapshot == null
				|| Duration.between(this.lastSnapshot, this.clock.instant()).compareTo(this.settings.snapshotInterval()) >= 0;
	}

	/**
	 * Start a new generation: stream the database file to the replica as its snapshot, then ship
	 * the log as it stands as its index 0. No segment of a generation is written before its
	 * snapshot is durable, and nothing counts as shipped before then: a snapshot that can't be
	 * written leaves the generation unused and everything pending. No checkpoint runs in between,
	 * so the database file copied is the base those segments need. The snapshot's digest follows
	 * the first segments: read replicas switch to a generation only once it is there, so that
	 * they never serve its snapshot alone when it is older than what they served before.
	 */
	private void startGeneration(String reason) throws IOException {
		String next = ReplicaLayout.newGeneration();
		logger.log(Level.INFO, "Starting replication generation {0} in {1}: {2}", next, this.client.describe(), reason);
		byte[] sha256 = snapshot(next, 0);
		this.generation = next;
		this.index = 0;
		this.offset = 0;
		this.header = null;
		this.checksum = null;
		this.checkpointedEverythingShipped = false;
		this.position = new Position(next, 0, 0);
		this.unpublishedDigest = new PendingDigest(next, 0, sha256);
		shipTail();
		publishDigest();
		enforceRetention();
	}

	private void publishDigest() throws IOException {
		PendingDigest digest = this.unpublishedDigest;
		if (digest != null) {
			this.claim.checkStillPrimary();
			this.client.write(ReplicaLayout.snapshotDigestPath(digest.generation(), digest.index()),
					SnapshotDigest.record(digest.generation(), digest.index(), digest.sha256()));
			this.unpublishedDigest = null;
		}
	}

	/**
	 * Ship what was committed up to now, in segments of at most {@link #SEGMENT_READ_LIMIT} bytes
	 * (more only for a single larger transaction), so that a large backlog never has to sit in
	 * memory whole. Stops at the log's end as it was when called: a writer faster than shipping
	 * can't keep one sync going forever.
	 */
	private void shipTail() throws IOException {
		long end = walSize();
		int limit = SEGMENT_READ_LIMIT;
		do {
			byte[] tail = readWal(this.offset, limit);
			int shipped;
			if (this.offset == 0) {
				WalHeader current = WalHeader.parse(tail, 0, tail.length);
				if (current == null) {
					return;
				}
				this.header = current;
				this.checksum = current.checksum();
				shipped = ship(tail, WalHeader.SIZE, true);
			}
			else {
				WalHeader current = readHeader();
				if (!this.header.sameLogAs(current)) {
					followRestartedLog();
					return;
				}
				shipped = ship(tail, 0, false);
			}
			if (tail.length < limit) {
				return;
			}
			// A full window with no commit in it holds part of one large transaction: widen it.
			limit = (shipped > 0) ? SEGMENT_READ_LIMIT : (int) Math.min(Integer.MAX_VALUE - 16L, 2L * limit);
		}
		while (this.offset < end);
	}

	private void followRestartedLog() throws IOException {
		if (this.checkpointedEverythingShipped) {
			// Record where the finished index ends, so a restore can tell its last segment is there.
			this.claim.checkStillPrimary();
			this.client.write(ReplicaLayout.walEndPath(this.generation, this.index),
					Long.toString(this.offset).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			this.index++;
			this.offset = 0;
			this.header = null;
			this.checkpointedEverythingShipped = false;
			this.position = new Position(this.generation, this.index, 0);
			shipTail();
		}
		else {
			startGeneration("the write-ahead log was restarted over frames that were not shipped");
		}
	}

	/** Ship the committed frames of {@code tail} as one segment; returns the bytes shipped. */
	private int ship(byte[] tail, int framesStart, boolean withHeader) throws IOException {
		WalFrames.Scan scan = WalFrames.scan(this.header, this.checksum, tail, framesStart, tail.length - framesStart);
		if (scan.committedLength() == 0) {
			return 0;
		}
		int length = framesStart + scan.committedLength();
		if (!withHeader && !this.header.sameLogAs(readHeader())) {
			// The log restarted while it was being read; the next sync sees the new header.
			return 0;
		}
		String path = ReplicaLayout.walSegmentPath(this.generation, this.index, this.offset);
		byte[] compressed = Lz4.compress(tail, 0, length);
		this.claim.checkStillPrimary();
		this.client.write(path, compressed);
		this.bytesShipped.add(compressed.length);
		this.segmentsShipped.increment();
		this.offset += length;
		this.checksum = scan.checksumAtCommit();
		this.checkpointedEverythingShipped = false;
		this.transactionsShipped += scan.commits();
		this.position = new Position(this.generation, this.index, this.offset);
		return length;
	}

	/**
	 * Checkpoint without stopping the writer: pin the log, ship, run a PASSIVE checkpoint, unpin.
	 * A checkpoint that completes then copied only shipped frames, and the log restarts at the
	 * next write as a new index. Under a steady stream of writes it never completes (each write
	 * lands past the pin); once the log has grown to twice the threshold that way, the writer is
	 * held back just long enough to ship and copy the few frames written since, unless those are
	 * more than a barrier should ship (see {@link #writerOutpacesShipping()}).
	 */
	private void checkpoint() throws IOException, SQLException {
		Checkpointer.Result result;
		this.checkpointer.pin();
		try {
			shipTail();
			result = this.checkpointer.passive();
		}
		finally {
			this.checkpointer.unpin();
		}
		boolean complete = completeAndShipped(result);
		if (!complete && this.offset >= 2 * this.settings.checkpointThresholdBytes() && !writerOutpacesShipping()) {
			try (Connection barrier = this.dataSource.getConnection()) {
				long started = System.nanoTime();
				try {
					shipTail();
					complete = completeAndShipped(this.checkpointer.passive());
				}
				finally {
					this.longestBarrierNanos = Math.max(this.longestBarrierNanos, System.nanoTime() - started);
				}
			}
		}
		this.checkpointedEverythingShipped = complete;
	}

	/**
	 * Whether more than {@link #BARRIER_MAX_BYTES} were written while the last ship and checkpoint
	 * ran. The writer is then faster than shipping, and a barrier would hold it for as long as
	 * shipping all that takes: 3.3 s and once 14.7 s were measured under an unthrottled writer of
	 * incompressible rows. Without the barrier the log grows until the writer slows down, and the
	 * checkpoint completes at a later sync.
	 */
	private boolean writerOutpacesShipping() throws IOException {
		WalHeader current = readHeader();
		return current != null && this.header != null && grewPast(current, BARRIER_MAX_BYTES);
	}

	private boolean completeAndShipped(Checkpointer.Result result) {
		long shippedFrames = (this.header != null) ? (this.offset - WalHeader.SIZE) / this.header.frameSize() : 0;
		return result.complete() && result.logFrames() == shippedFrames;
	}

	/**
	 * Stream the database file, compressed, straight into the replica: no copy on the local disk,
	 * which may be the one short of space.
	 * @return the SHA-256 of the uncompressed file, for its digest
	 */
	private byte[] snapshot(String generation, long index) throws IOException {
		MessageDigest sha256 = SnapshotDigest.newDigest();
		this.claim.checkStillPrimary();
		this.client.write(ReplicaLayout.snapshotPath(generation, index), (out) -> {
			// Through the data source's held descriptor: closing a descriptor of our own here would
			// drop the locks SQLite holds on the file.
			try (HeldOpenFile held = this.dataSource.holdFile();
					var in = new DigestInputStream(held.inputStream(), sha256)) {
				Lz4.copyCompressed(in, out);
			}
		});
		this.lastSnapshot = this.clock.instant();
		this.snapshotIndex = index;
		return sha256.digest();
	}

	/**
	 * A checkpoint that fails (the database's disk is full, say) does not fail the sync: what was
	 * shipped stays shipped, syncs go on at their interval, and the next one tries again, so the
	 * log shrinks as soon as there is room.
	 */
	private void checkpointQuietly() throws IOException {
		try {
			checkpoint();
			this.lastCheckpointFailure = null;
		}
		catch (SQLException ex) {
			if (!java.util.Objects.equals(ex.getMessage(), this.lastCheckpointFailure)) {
				logger.log(Level.WARNING, "Could not checkpoint " + this.file + " (" + ex.getMessage() + "); shipping "
						+ "goes on, and the checkpoint is tried again at the next sync");
			}
			this.lastCheckpointFailure = ex.getMessage();
		}
	}

	private void enforceRetention() throws IOException {
		this.claim.checkStillPrimary();
		Instant horizon = this.clock.instant().minus(this.settings.retention());
		for (String other : this.client.generations()) {
			if (!other.equals(this.generation) && latestUpdate(other).isBefore(horizon)) {
				this.client.deleteGeneration(other);
			}
		}
		List<SnapshotInfo> snapshots = this.client.snapshots(this.generation);
		List<String> obsolete = new ArrayList<>();
		long oldestKeptIndex = Long.MAX_VALUE;
		for (int i = 0; i < snapshots.size(); i++) {
			SnapshotInfo snapshot = snapshots.get(i);
			boolean newest = i == snapshots.size() - 1;
			if (!newest && snapshot.createdAt().isBefore(horizon)) {
				obsolete.add(ReplicaLayout.snapshotPath(this.generation, snapshot.index()));
				obsolete.add(ReplicaLayout.snapshotDigestPath(this.generation, snapshot.index()));
			}
			else {
				oldestKeptIndex = Math.min(oldestKeptIndex, snapshot.index());
			}
		}
		for (WalSegmentInfo segment : this.client.walSegments(this.generation)) {
			if (segment.index() < oldestKeptIndex) {
				obsolete.add(segment.path());
			}
		}
		if (!obsolete.isEmpty()) {
			this.client.delete(obsolete);
		}
	}

	private Instant latestUpdate(String generation) throws IOException {
		Instant latest = Instant.EPOCH;
		for (SnapshotInfo snapshot : this.client.snapshots(generation)) {
			latest = snapshot.createdAt().isAfter(latest) ? snapshot.createdAt() : latest;
		}
		for (WalSegmentInfo segment : this.client.walSegments(generation)) {
			latest = segment.createdAt().isAfter(latest) ? segment.createdAt() : latest;
		}
		return latest;
	}

	/**
	 * Count what is committed but not shipped. Reads at most {@link #PENDING_SCAN_LIMIT} bytes of
	 * the log, so that asking stays cheap when a large backlog builds up: the figures are then a
	 * lower bound.
	 */
	private Pending pending() {
		WalHeader shippedHeader = this.header;
		WalChecksum shippedChecksum = this.checksum;
		long shippedOffset = this.offset;
		try {
			if (shippedHeader == null || shippedOffset == 0) {
				byte[] whole = readWal(0, PENDING_SCAN_LIMIT);
				WalHeader current = WalHeader.parse(whole, 0, whole.length);
				if (current == null) {
					return new Pending(0, 0);
				}
				WalFrames.Scan scan = WalFrames.scan(current, current.checksum(), whole, WalHeader.SIZE,
						whole.length - WalHeader.SIZE);
				return new Pending(scan.committedLength(), scan.commits());
			}
			byte[] tail = readWal(shippedOffset, PENDING_SCAN_LIMIT);
			WalFrames.Scan scan = WalFrames.scan(shippedHeader, shippedChecksum, tail, 0, tail.length);
			return new Pending(scan.committedLength(), scan.commits());
		}
		catch (IOException ex) {
			return new Pending(0, 0);
		}
	}

	private long walSize() {
		return this.file.walSize();
	}

	private WalHeader readHeader() throws IOException {
		byte[] bytes = readWal(0, WalHeader.SIZE);
		return WalHeader.parse(bytes, 0, bytes.length);
	}

	private byte[] readWal(long from, int maxLength) throws IOException {
		try (FileChannel channel = FileChannel.open(this.file.walFile(), StandardOpenOption.READ)) {
			long available = Math.max(0, channel.size() - from);
			ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, maxLength));
			while (buffer.hasRemaining()) {
				if (channel.read(buffer, from + buffer.position()) < 0) {
					break;
				}
			}
			byte[] bytes = buffer.array();
			return (buffer.position() == bytes.length) ? bytes : java.util.Arrays.copyOf(bytes, buffer.position());
		}
		catch (NoSuchFileException ex) {
			return new byte[0];
		}
	}

	private static void await(Future<?> future, Duration timeout) {
		try {
			if (timeout == null) {
				future.get();
			}
			else {
				future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ReplicaException("Interrupted while waiting for replication", ex);
		}
		catch (TimeoutException ex) {
			throw new ReplicaException("Replication did not finish within " + timeout, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof ReplicaException replicaException) {
				throw replicaException;
			}
			throw new ReplicaException("Replication failed: " + cause.getMessage(), cause);
		}
	}

	private record Pending(long bytes, int transactions) {
	}

	private record PendingDigest(String generation, long index, byte[] sha256) {
	}

}
