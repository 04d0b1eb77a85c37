package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.OwnerOnlyFiles;
import io.kiwistack.db.TemporaryFiles;

/**
 * Keeps a read replica's database following a primary's replica: it polls for new log segments,
 * checks them like a restore does, and applies whole transactions to the local file while the
 * replica's readers are paused, so a reader sees only states the primary committed. A new
 * generation (the primary restarted, or lost continuity) is restored beside the file and swapped
 * in the same way. The position applied is kept in a small state file beside the database, written
 * after the pages are durable, so a restart resumes where it left off; re-applying is harmless.
 */
final class Follower implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(Follower.class.getName());

	private final KiwiDataSource dataSource;

	private final Path database;

	private final ReplicaClient client;

	private final Duration pollInterval;

	private final Clock clock;

	private final EngineThread thread = new EngineThread("kiwi-db-follower");

	/** How far this replica has applied its generation's log; {@code null} before it follows one. */
	private volatile LogProgress applied;

	private volatile Instant newestTransactionAt;

	private volatile Instant caughtUpAt;

	private volatile String lastError;

	private volatile Instant failingSince;

	private static final int GENERATION_CHECK_EVERY = 10;

	private long polls;

	/** Streams from the primary; {@code null} when this replica only polls storage. */
	private final LogStreamClient stream;

	/** Open while a stream's parts are acknowledged, on the following thread only. */
	private AcknowledgementChannel acknowledgements;

	/** How long one request to the primary may wait for new transactions. */
	static final Duration STREAM_WAIT = Duration.ofSeconds(1);

	/** How often the claim is read again while streaming works (at once when it stops working). */
	private static final Duration CLAIM_CHECK_WHILE_STREAMING = Duration.ofSeconds(10);

	/** How long a follower whose secret the primary refused waits before it asks again. */
	private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);

	/** The primary's claim as last read; {@code null} when nobody holds it (or not read yet). */
	private volatile PrimaryClaimView primary;

	private long claimReadAtNanos;

	private volatile boolean streaming;

	private volatile String streamError;

	/** Whether the primary refused this node's secret, or answered unsigned: a setting to fix, not an outage. */
	private volatile boolean streamRefused;

	private long streamRetryAtNanos;

	private long nextStoragePollNanos;

	/** The primary's current generation and when it was last seen (nanoTime): read-your-writes across generations. */
	private volatile Confirmation confirmed;

	/**
	 * Whether transactions were applied from the stream since the state file last named a
	 * position: they are written without an fsync each, so the state file says the copy is being
	 * streamed until a durable position is written again (from storage, or at close).
	 */
	private boolean streamedSinceState;

	/**
	 * The database file's descriptor that streamed frames are written through, held from a
	 * stream's first part to its end: opening and closing it for every part took a tenth of the
	 * follower's time. Opened and closed only while the readers are paused, as closing any
	 * descriptor of the file drops every lock this process holds on it; closed before anything else
	 * writes or replaces the file.
	 */
	private FileChannel streamedFile;

	/** Whether the last request to the primary brought frames, which this replica applied. */
	private boolean streamedFrames;

	/** Set by {@link #close()}: a round asks the primary no more. */
	private volatile boolean stopping;

	/** Position waiters wait on it; notified after each apply and confirmation. */
	private final Object progress = new Object();

	Follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval) {
		this(dataSource, client, pollInterval, Clock.systemUTC());
	}

	/** @param clock what lag and failures are timed by */
	Follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval, Clock clock) {
		this(dataSource, client, pollInterval, clock, null);
	}

	/**
	 * @param clock what lag and failures are timed by
	 * @param peers the shared secret to stream from the primary with; {@code null} to poll storage only
	 */
	Follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval, Clock clock, PeerSettings peers) {
		this.stream = (peers != null) ? new LogStreamClient(peers.secret(), clock) : null;
		this.clock = clock;
		this.dataSource = dataSource;
		this.database = dataSource.file()
			.orElseThrow(() -> new IllegalArgumentException("A read replica needs a database file"))
			.path();
		this.client = client;
		this.pollInterval = pollInterval;
	}

	/**
	 * Make {@code database} ready to be opened as a read replica, before its data source opens:
	 * restore it from the replica when it is missing. An existing file must be a replica copy this
	 * follower wrote; any other file is left alone and refused.
	 * @throws ReplicaException when an existing file is not a replica copy, or the replica is damaged
	 */
	static void prepare(Path database, ReplicaClient client) throws IOException {
		prepare(database, client, false);
	}

	/**
	 * Make {@code database} ready to be opened as a read replica, as {@link #prepare(Path, ReplicaClient)}
	 * does.
	 * @param allowOlderGeneration whether restoring the missing file may fall back to an older
	 * generation when the newest can't be restored (see {@link Restorer#Restorer(ReplicaClient, boolean)})
	 */
	static void prepare(Path database, ReplicaClient client, boolean allowOlderGeneration) throws IOException {
		Path file = database.toAbsolutePath().normalize();
		Path state = stateFile(file);
		if (Files.exists(file)) {
			if (!Files.exists(state)) {
				throw new ReplicaException("Database file " + file + " exists but is not a read replica's copy (there is no "
						+ state.getFileName() + " beside it); a read replica never overwrites it. Move it away, "
						+ "or point kiwi.db.path at another file");
			}
			if (!leftWhileStreaming(state)) {
				return;
			}
			restoreAfresh(file, state, client, allowOlderGeneration);
			return;
		}
		Optional<RestoreResult> restored = new Restorer(client, allowOlderGeneration).restoreLatest(file);
		if (restored.isPresent()) {
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			writeState(state, restored.get().position());
		}
		else {
			// Nothing restored, so nothing made the directory yet: the state file comes first.
			OwnerOnlyFiles.createDirectories(file.getParent());
			writeState(state, null);
		}
	}

	/**
	 * Resume from the state file, then follow: streaming from the primary when it can be reached,
	 * polling storage every poll interval otherwise.
	 */
	void start() {
		if (this.stream == null) {
			this.thread.onTheBeat(this.pollInterval, Duration.ZERO, this::pollQuietly);
		}
		else {
			this.thread.every(Duration.ofMillis(1), Duration.ZERO, this::followQuietly);
		}
	}

	/**
	 * One round of following with a stream: ask the primary for what is new (it answers as soon as
	 * there is some, or after {@link #STREAM_WAIT}); when it can't be asked, poll storage on time.
	 * Storage is also read whenever the primary says the position asked for is not in its live
	 * log: a new generation, a log index that ended, or a follower that fell far behind.
	 */
	private void followQuietly() {
		try {
			if (this.applied == null) {
				if (this.primary == null) {
					// Known before the first poll, which may take seconds to catch up: writes are
					// forwarded to the primary from the first request on.
					readClaim();
				}
				pollQuietly();
				if (this.applied == null) {
					pause(this.pollInterval);
					return;
				}
			}
			long now = System.nanoTime();
			if (this.primary == null || now - this.claimReadAtNanos >= (this.streaming
					? CLAIM_CHECK_WHILE_STREAMING : this.pollInterval).toNanos()) {
				readClaim();
			}
			PrimaryClaimView target = this.primary;
			if (target != null && target.advertiseUrl() != null && now - this.streamRetryAtNanos >= 0) {
				if (streamOnce(target)) {
					// Frames applied: ask again at once, not a round later. The request is what tells the
					// primary that this replica holds them, and committers there may wait for it
					// (kiwi.db.replication.commit-ack=replica).
					while (this.streamedFrames && mayAskAgainAtOnce()) {
						if (!streamOnce(target)) {
							break;
						}
					}
					return;
				}
			}
			else {
				this.streaming = false;
			}
			if (System.nanoTime() - this.nextStoragePollNanos >= 0) {
				this.nextStoragePollNanos = System.nanoTime() + this.pollInterval.toNanos();
				pollQuietly();
			}
			else {
				pause(Duration.ofMillis(10));
			}
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Following " + this.client.describe() + " failed: " + ex.getMessage(), ex);
			pause(this.pollInterval);
		}
	}

	/** Within one round: not when stopping, nor once the claim is due to be read again. */
	private boolean mayAskAgainAtOnce() {
		return !this.stopping && !Thread.currentThread().isInterrupted()
				&& System.nanoTime() - this.claimReadAtNanos < CLAIM_CHECK_WHILE_STREAMING.toNanos();
	}

	private void readClaim() {
		try {
			this.primary = PrimaryLease.read(this.client).orElse(null);
		}
		catch (IOException | RuntimeException ex) {
			// Storage can't be read now: keep the primary last seen, and let polling report it.
		}
		this.claimReadAtNanos = System.nanoTime();
	}

	/** @return whether the primary answered; otherwise the caller polls storage */
	private boolean streamOnce(PrimaryClaimView target) {
		this.streamedFrames = false;
		try {
			boolean ended = false;
			try {
				this.stream.stream(target, this.applied.position(), STREAM_WAIT,
						(answer, moreArrived) -> take(target, answer, moreArrived));
				ended = true;
			}
			finally {
				closeAcknowledgements(ended);
				closeStreamedFile();
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
		catch (LogStreamClient.PeerRefusedException | LogStreamClient.UntrustedAnswerException ex) {
			if (!ex.getMessage().equals(this.streamError)) {
				logger.log(Level.ERROR, ex.getMessage() + "; following " + this.client.describe() + " instead");
			}
			this.streamError = ex.getMessage();
			this.streamRefused = true;
			this.streamRetryAtNanos = System.nanoTime() + REFUSED_RETRY.toNanos();
		}
		catch (Exception ex) {
			String reason = "The primary at " + target.advertiseUrl() + " can't be streamed from ("
					+ ((ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName()) + ")";
			if (this.streaming) {
				logger.log(Level.WARNING, reason + "; following " + this.client.describe() + " until it answers");
			}
			this.streamError = reason;
			this.streamRetryAtNanos = System.nanoTime() + this.pollInterval.toNanos();
			// The claim may have moved: read it again before the next attempt.
			this.claimReadAtNanos = System.nanoTime() - this.pollInterval.toNanos();
		}
		this.streaming = false;
		return false;
	}

	/**
	 * One answer of the primary's, or one part of its stream, as it arrives.
	 * @param moreArrived whether more of the stream is here already
	 * @return whether to read on
	 */
	private boolean take(PrimaryClaimView target, LogStreamClient.Answer answer, boolean moreArrived) throws Exception {
		if (!this.streaming) {
			logger.log(Level.INFO, "Streaming from the primary at {0}", target.advertiseUrl());
		}
		this.streaming = true;
		this.streamError = null;
		this.streamRefused = false;
		LogProgress at = this.applied;
		if (answer instanceof LogStreamClient.Answer.Frames frames) {
			applyStreamed(frames);
			this.streamedFrames = true;
			if (frames.next().equals(frames.end())) {
				// The primary had nothing past these when it read them, a moment ago.
				caughtUp(this.clock.instant());
			}
			if (frames.acknowledge() && !moreArrived) {
				acknowledge(target);
			}
		}
		else if (answer instanceof LogStreamClient.Answer.NothingNew) {
			caughtUp(this.clock.instant());
		}
		else {
			// Not in the primary's live log: storage has it (a finished log index, a new generation).
			closeStreamedFile();
			poll(true);
			if (this.applied == at) {
				// Storage has nothing past it either (this replica is ahead of the primary, or the
				// primary is between two log indexes): ask again after a poll interval, not at once.
				this.streamRetryAtNanos = System.nanoTime() + this.pollInterval.toNanos();
			}
		}
		if (answer.end() != null) {
			confirm(answer.end().generation());
		}
		return !this.stopping;
	}

	/**
	 * Tell the primary, whose committers wait for it ({@code commit-ack: replica}), that this
	 * replica holds what it applied. A primary that can't take it times its committers out and says
	 * so in its health; the stream itself goes on, and the next request from here acknowledges too.
	 */
	private void acknowledge(PrimaryClaimView target) {
		try {
			if (this.acknowledgements == null) {
				this.acknowledgements = this.stream.acknowledgements(target);
			}
			this.acknowledgements.acknowledge(this.applied.position());
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Could not acknowledge to the primary at " + target.advertiseUrl() + ": "
					+ ex.getMessage());
			if (this.acknowledgements != null) {
				this.acknowledgements.abandon();
				this.acknowledgements = null;
			}
		}
	}

	/**
	 * The stream ended: so does the channel that acknowledged its parts. After a stream that broke
	 * off (the primary died, or stopped answering) it is dropped without waiting for an answer.
	 */
	private void closeAcknowledgements(boolean streamEnded) {
		AcknowledgementChannel channel = this.acknowledgements;
		this.acknowledgements = null;
		if (channel == null) {
			return;
		}
		if (!streamEnded) {
			channel.abandon();
			return;
		}
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "The primary did not take this follower's acknowledgements: " + ex.getMessage());
		}
	}

	/** Let go of the descriptor streamed frames were written through, while the readers are paused. */
	private void closeStreamedFile() {
		FileChannel channel = this.streamedFile;
		if (channel == null) {
			return;
		}
		this.streamedFile = null;
		try {
			this.dataSource.whileReadersPaused(() -> {
				channel.close();
				return null;
			});
		}
		catch (Exception ex) {
			logger.log(Level.DEBUG, "Could not close " + this.database + " after streaming: " + ex.getMessage());
		}
	}

	/**
	 * Check streamed frames like segments from storage (the header where a log index starts, salts
	 * and the checksum chain up to a commit, nothing after it), then apply them while the readers
	 * are paused.
	 */
	private void applyStreamed(LogStreamClient.Answer.Frames frames) throws Exception {
		LogProgress at = this.applied;
		Position start = frames.start();
		if (start.generation().equals(at.generation()) && start.index() == at.index() + 1 && start.offset() == 0) {
			// The primary finished our log index right where we stand, and goes on with the next.
			at = at.nextIndex();
		}
		else if (!start.equals(at.position())) {
			throw new ReplicaException("The primary streamed frames from " + start + ", not from " + at.position());
		}
		byte[] log = frames.bytes();
		int framesFrom = 0;
		if (at.offset() == 0) {
			WalHeader header = WalHeader.parse(log, 0, log.length);
			if (header == null) {
				throw new ReplicaException("The primary streamed log index " + start + " without a valid WAL header");
			}
			at = at.withHeader(header);
			framesFrom = WalHeader.SIZE;
		}
		if (at.header() == null) {
			throw new ReplicaException("Following " + at.position() + " needs its log's header, which was not read");
		}
		WalFrames.Scan scan = WalFrames.scan(at.header(), at.checksum(), log, framesFrom, log.length - framesFrom);
		if (scan.trailingBytes() || scan.committedLength() == 0) {
			throw new ReplicaException("The frames the primary streamed from " + start
					+ " fail the checksum chain or do not end at a commit");
		}
		LogProgress reached = at.advancedBy(log.length, scan.checksumAtCommit());
		if (!reached.position().equals(frames.next())) {
			throw new ReplicaException("The primary streamed frames up to " + reached.position() + ", not " + frames.next());
		}
		if (!this.streamedSinceState) {
			// From here the file may run ahead of the state file: a crash must find it marked.
			writeState(stateFile(this.database), null, true);
			this.streamedSinceState = true;
		}
		WalHeader header = at.header();
		int from = framesFrom;
		this.dataSource.whileReadersPaused(() -> {
			if (this.streamedFile == null) {
				this.streamedFile = FileChannel.open(this.database, StandardOpenOption.WRITE, StandardOpenOption.READ);
			}
			// No fsync per streamed transaction: a copy left mid-stream is restored afresh at the next start.
			if (PageWriter.applyFrames(header, log, from, this.streamedFile)) {
				PageWriter.markRollbackJournal(this.streamedFile);
			}
			return null;
		});
		this.newestTransactionAt = this.clock.instant();
		this.applied = reached;
		appliedNotify();
	}

	/** After pages applied from storage are durable: the state file names their position again. */
	private void applied(LogProgress reached) throws IOException {
		this.applied = reached;
		writeState(stateFile(this.database), reached.position());
		this.streamedSinceState = false;
		appliedNotify();
	}

	private void appliedNotify() {
		synchronized (this.progress) {
			this.progress.notifyAll();
		}
	}

	private void caughtUp(Instant at) {
		this.caughtUpAt = at;
		this.lastError = null;
		this.failingSince = null;
	}

	private void confirm(String primaryGeneration) {
		this.confirmed = new Confirmation(primaryGeneration, System.nanoTime());
		synchronized (this.progress) {
			this.progress.notifyAll();
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait until this replica holds {@code position}; see {@link KiwiDbReplicator#awaitPosition}.
	 * @return whether it did within {@code timeout}
	 */
	boolean awaitPosition(Position position, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		synchronized (this.progress) {
			while (true) {
				if (holds(position, start)) {
					return true;
				}
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.progress.wait(Math.max(1, Math.min(Duration.ofNanos(remaining).toMillis(), 50)));
			}
		}
	}

	private boolean holds(Position position, long waitStartedNanos) {
		LogProgress at = this.applied;
		if (at == null) {
			return false;
		}
		if (at.generation().equals(position.generation())) {
			return at.position().reaches(position);
		}
		if (position.generation().compareTo(at.generation()) < 0) {
			// An earlier generation: generation names begin with the time they were started.
			return true;
		}
		// Another history, unless it is a newer generation this replica has not switched to yet:
		// reached once the primary, asked after the wait began, names this replica's generation.
		Confirmation seen = this.confirmed;
		return seen != null && seen.atNanos() - waitStartedNanos >= 0 && seen.generation().equals(at.generation());
	}

	/** The position applied, {@code null} before any. */
	Position position() {
		LogProgress at = this.applied;
		return (at != null) ? at.position() : null;
	}

	/** The primary's base URL as its claim publishes it, {@code null} when unknown. */
	String primaryUrl() {
		if (this.stream == null) {
			return null;
		}
		PrimaryClaimView claim = this.primary;
		return (claim != null) ? claim.advertiseUrl() : null;
	}

	/** Whether new transactions arrive straight from the primary now (or from storage polls). */
	boolean streaming() {
		return this.streaming;
	}

	/** Whether the primary refused this node's secret, or its answer was not signed with it. */
	boolean streamRefused() {
		return this.streamRefused;
	}

	/** Why the last attempt to stream from the primary failed, {@code null} when it worked. */
	String streamError() {
		return this.streamError;
	}

	private record Confirmation(String generation, long atNanos) {
	}

	/**
	 * Apply everything the replica holds now, and wait for it.
	 * @throws ReplicaException when polling or applying fails
	 */
	void pollNow() {
		this.thread.runAndWait(() -> {
			poll(true);
			return null;
		}, null, "following " + this.client.describe());
	}

	/** Where this replica stands now. */
	FollowerStatus status() {
		Instant caughtUp = this.caughtUpAt;
		Duration lag = (caughtUp != null) ? Duration.between(caughtUp, this.clock.instant()) : null;
		LogProgress progress = this.applied;
		return new FollowerStatus(this.client.describe(), (progress != null) ? progress.position() : null,
				this.newestTransactionAt, lag, this.lastError,
				this.failingSince);
	}

	/** Stop following. The file stays as it is: a consistent state the primary committed. */
	@Override
	public void close() {
		this.stopping = true;
		// An apply under way finishes: stopping it half way would leave the state file behind the file.
		this.thread.stop();
		if (this.streamedSinceState && this.applied != null) {
			try {
				try (FileChannel channel = FileChannel.open(this.database, StandardOpenOption.WRITE)) {
					channel.force(true);
				}
				writeState(stateFile(this.database), this.applied.position());
				this.streamedSinceState = false;
			}
			catch (IOException ex) {
				logger.log(Level.WARNING, "Could not record where " + this.database + " stands; it is restored afresh "
						+ "from " + this.client.describe() + " at the next start: " + ex.getMessage());
			}
		}
	}

	private void pollQuietly() {
		try {
			poll(this.polls++ % GENERATION_CHECK_EVERY == 0);
		}
		catch (Exception ex) {
			logger.log(Level.WARNING, "Following " + this.client.describe() + " failed: " + ex.getMessage(), ex);
		}
	}

	private void poll(boolean listGenerations) throws Exception {
		Instant started = this.clock.instant();
		try {
			if (this.applied == null) {
				resume();
			}
			// Listing generations is the expensive part of a poll on object storage: do it at the
			// start and every few polls, and list only the current generation's new segments between.
			LogProgress current = this.applied;
			String generation = (current != null) ? current.generation() : null;
			boolean checkGenerations = generation == null || listGenerations;
			Optional<Restorer.LatestGeneration> latest = checkGenerations ? new Restorer(this.client).latestGeneration()
					: Optional.of(new Restorer.LatestGeneration(generation, true));
			boolean newer = latest.isPresent() && !latest.get().generation().equals(generation);
			if (newer && (latest.get().ready() || generation == null)) {
				switchTo(latest.get().generation());
			}
			else if (latest.isPresent() && generation != null) {
				// The current generation, or the last transactions of one a newer generation is
				// taking over from while its first segments are still on their way.
				try {
					applyNewSegments();
				}
				catch (ReplicaException ex) {
					// A position inside a segment, or past what storage holds, was reached by streaming.
					if (!(ex instanceof Diverged || this.streamedSinceState) || !latest.get().ready()) {
						throw ex;
					}
					// What was streamed here is not what storage holds: the primary's history moved on without it.
					logger.log(Level.WARNING, "{0} does not continue what this replica streamed from the primary ({1}); "
							+ "restoring it afresh", this.client.describe(), ex.getMessage());
					switchTo(latest.get().generation());
				}
			}
			if (checkGenerations && latest.isPresent() && this.applied != null
					&& latest.get().generation().equals(this.applied.generation())) {
				confirm(latest.get().generation());
			}
			this.caughtUpAt = started;
			this.lastError = null;
			this.failingSince = null;
		}
		catch (Exception ex) {
			this.lastError = ex.getMessage();
			if (this.failingSince == null) {
				this.failingSince = started;
			}
			throw ex;
		}
	}

	/**
	 * Continue from the state file: the log applied so far is read back from the replica, verified,
	 * to get the header and checksum the next segments continue. When it can't be (the generation's
	 * segments are gone, or end elsewhere), the replica switches to the newest generation.
	 */
	private void resume() throws IOException {
		Position saved = readState(stateFile(this.database));
		if (saved == null) {
			return;
		}
		LogProgress start = LogProgress.start(saved.generation(), saved.index());
		if (saved.offset() == 0) {
			this.applied = start;
			return;
		}
		List<WalSegmentInfo> applied = new ArrayList<>();
		for (WalSegmentInfo segment : this.client.walSegments(saved.generation(), saved.index())) {
			if (segment.index() == saved.index() && segment.offset() < saved.offset()) {
				applied.add(segment);
			}
		}
		try {
			LogProgress resumed = new LogReader(this.client).readToEnd(applied, start);
			if (resumed.offset() > saved.offset()) {
				// Streaming reached the saved position inside the last of these segments: verify up to it.
				WalSegmentInfo straddling = applied.remove(applied.size() - 1);
				resumed = upTo(new LogReader(this.client).readToEnd(applied, start), straddling, saved.offset());
			}
			this.applied = (resumed != null && resumed.offset() == saved.offset()) ? resumed : null;
		}
		catch (ReplicaException ex) {
			logger.log(Level.INFO, "Can''t continue {0} where it stood ({1}); switching to the newest generation",
					this.database, ex.getMessage());
			this.applied = null;
		}
	}

	/**
	 * {@code at}, where {@code segment} starts, advanced through the segment's frames up to
	 * {@code offset}, a commit inside it: salts and checksum chain checked as for any segment.
	 * @return {@code null} when the frames up to there don't check out
	 */
	private LogProgress upTo(LogProgress at, WalSegmentInfo segment, long offset) throws IOException {
		byte[] log = SegmentLog.download(this.client, List.of(segment), segment.offset()).bytes();
		long length = offset - segment.offset();
		if (segment.offset() != at.offset() || length <= 0 || length > log.length) {
			return null;
		}
		int framesFrom = 0;
		if (at.offset() == 0) {
			WalHeader header = WalHeader.parse(log, 0, log.length);
			if (header == null) {
				return null;
			}
			at = at.withHeader(header);
			framesFrom = WalHeader.SIZE;
		}
		if (at.header() == null || length < framesFrom) {
			return null;
		}
		WalFrames.Scan scan = WalFrames.scan(at.header(), at.checksum(), log, framesFrom, (int) length - framesFrom);
		if (scan.trailingBytes() || scan.committedLength() != length - framesFrom) {
			return null;
		}
		return at.advancedBy(length, (scan.committedLength() > 0) ? scan.checksumAtCommit() : at.checksum());
	}

	private void switchTo(String latest) throws Exception {
		Path restored = TemporaryFiles.name(this.database, "follow");
		try {
			RestoreResult result = new Restorer(this.client).restoreLatest(restored)
				.orElseThrow(() -> new ReplicaException("Generation " + latest + " vanished from " + this.client.describe()));
			try (FileChannel channel = FileChannel.open(restored, StandardOpenOption.WRITE)) {
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			this.dataSource.whileReadersPaused(() -> {
				Files.move(restored, this.database, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				return null;
			});
			logger.log(Level.INFO, "Following generation {0} of {1} from {2}", result.position().generation(),
					this.client.describe(), result.position());
			writeState(stateFile(this.database), result.position());
			this.streamedSinceState = false;
			this.applied = null;
			resume();
			this.newestTransactionAt = result.snapshot().createdAt();
			synchronized (this.progress) {
				this.progress.notifyAll();
			}
		}
		finally {
			Files.deleteIfExists(restored);
		}
	}

	private void applyNewSegments() throws Exception {
		LogProgress from = this.applied;
		List<WalSegmentInfo> listed = this.client.walSegments(from.generation(), from.index());
		WalSegmentInfo straddling = null;
		boolean oneStartsHere = false;
		for (WalSegmentInfo segment : listed) {
			if (segment.index() == from.index() && segment.offset() < from.offset()) {
				straddling = segment;
			}
			oneStartsHere |= segment.index() == from.index() && segment.offset() == from.offset();
		}
		byte[] tail = null;
		LogProgress afterTail = from;
		boolean alreadyLooked = straddling != null && from.position().equals(this.noTailAt)
				&& straddling.path().equals(this.noTailIn);
		if (!oneStartsHere && straddling != null && !alreadyLooked) {
			// Streamed past the start of a segment the primary shipped later: apply what it holds past here.
			tail = tailPast(straddling, from);
			if (tail != null) {
				afterTail = checkedTail(straddling, from, tail);
			}
		}
		List<WalSegmentInfo> fresh = new ArrayList<>();
		for (WalSegmentInfo segment : listed) {
			if (segment.index() > afterTail.index()
					|| (segment.index() == afterTail.index() && segment.offset() >= afterTail.offset())) {
				fresh.add(segment);
			}
		}
		if (fresh.isEmpty() && tail == null) {
			if (straddling != null) {
				// Nothing past here in it: don't read it again at every poll.
				this.noTailAt = from.position();
				this.noTailIn = straddling.path();
			}
			return;
		}
		List<LogReader.Batch> batches = new ArrayList<>();
		LogProgress reached = fresh.isEmpty() ? afterTail
				: new LogReader(this.client).read(fresh, afterTail, 0, batches::add);
		byte[] tailBytes = tail;
		WalHeader header = from.header();
		this.dataSource.whileReadersPaused(() -> {
			try (FileChannel channel = FileChannel.open(this.database, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
				if (tailBytes != null) {
					PageWriter.applyFrames(header, tailBytes, 0, channel);
				}
				for (LogReader.Batch batch : batches) {
					PageWriter.applyFrames(batch.header(), batch.log(), batch.framesFrom(), channel);
				}
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			return null;
		});
		this.newestTransactionAt = fresh.isEmpty() ? straddling.createdAt() : fresh.get(fresh.size() - 1).createdAt();
		applied(reached);
		// Where the newest segment applied ends: nothing of it lies past here.
		this.noTailAt = reached.position();
		this.noTailIn = fresh.isEmpty() ? straddling.path() : fresh.get(fresh.size() - 1).path();
	}

	/** A position the segment {@link #noTailIn} holds nothing past: that segment is not read again for it. */
	private Position noTailAt;

	private String noTailIn;

	/** The bytes of {@code segment} past {@code from}, {@code null} when it ends at or before it. */
	private byte[] tailPast(WalSegmentInfo segment, LogProgress from) throws IOException {
		byte[] log = SegmentLog.download(this.client, List.of(segment), segment.offset()).bytes();
		long end = segment.offset() + log.length;
		if (end <= from.offset()) {
			return null;
		}
		return java.util.Arrays.copyOfRange(log, (int) (from.offset() - segment.offset()), log.length);
	}

	/**
	 * Where {@code tail} leads from {@code from}: its frames must continue the checksum chain this
	 * replica applied and end at a commit. When they don't, the primary's history is not the one
	 * streamed here (it lost transactions it had streamed, in a crash of its machine), and the
	 * copy is restored afresh.
	 */
	private LogProgress checkedTail(WalSegmentInfo segment, LogProgress from, byte[] tail) throws IOException {
		if (from.header() == null) {
			throw new Diverged("no log header is known at " + from.position());
		}
		WalFrames.Scan scan = WalFrames.scan(from.header(), from.checksum(), tail, 0, tail.length);
		if (scan.trailingBytes() || scan.committedLength() == 0) {
			throw new Diverged(segment.path() + " does not continue the transactions streamed from the primary up to "
					+ from.position());
		}
		return from.advancedBy(tail.length, scan.checksumAtCommit());
	}

	/** The replica in storage does not continue what this copy streamed: it is restored afresh. */
	private static final class Diverged extends ReplicaException {

		Diverged(String message) {
			super(message);
		}

	}

	/**
	 * Forget that {@code database} was a read replica's copy, when it is opened as a primary
	 * (promoted): from then on it is the primary's own data, which following must never replace.
	 */
	static void forgetFollowing(Path database) throws IOException {
		Path state = stateFile(database.toAbsolutePath().normalize());
		if (Files.deleteIfExists(state)) {
			logger.log(Level.INFO, "{0} was a read replica''s copy and is now a primary''s database", database);
		}
	}

	/**
	 * Replace a copy that stopped while transactions were streamed into it (its position is not
	 * known) with a fresh restore, made beside it and moved over it whole.
	 */
	private static void restoreAfresh(Path file, Path state, ReplicaClient client, boolean allowOlderGeneration)
			throws IOException {
		logger.log(Level.INFO, "{0} stopped while following the primary''s stream; restoring it afresh from {1}", file,
				client.describe());
		Path restored = TemporaryFiles.name(file, "follow");
		try {
			Optional<RestoreResult> result = new Restorer(client, allowOlderGeneration).restoreLatest(restored);
			if (result.isEmpty()) {
				throw new ReplicaException(client.describe() + " holds nothing to restore " + file + " from, but "
						+ file + " was streamed from its primary: the replica path was emptied or changed");
			}
			try (FileChannel channel = FileChannel.open(restored, StandardOpenOption.WRITE)) {
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			Files.move(restored, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			writeState(state, result.get().position());
		}
		finally {
			Files.deleteIfExists(restored);
		}
	}

	/** The state file's text while transactions are applied from the stream, without an fsync each. */
	private static final String STREAMING = "streaming";

	/** Whether the state file says the copy was left while being streamed: it must be restored afresh. */
	private static boolean leftWhileStreaming(Path state) throws IOException {
		return Files.exists(state) && Files.readString(state, StandardCharsets.US_ASCII).trim().equals(STREAMING);
	}

	static Path stateFile(Path database) {
		return database.resolveSibling(database.getFileName() + "-follower");
	}

	private static void writeState(Path state, Position position) throws IOException {
		writeState(state, position, false);
	}

	/** @param streaming whether the copy is being streamed: its position is not known durably */
	private static void writeState(Path state, Position position, boolean streaming) throws IOException {
		String text = streaming ? STREAMING + "\n" : (position != null)
				? position.generation() + " " + position.index() + " " + position.offset() + "\n" : "none\n";
		Path temporary = TemporaryFiles.create(state, "state");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
			channel.force(true);
		}
		Files.move(temporary, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static Position readState(Path state) throws IOException {
		if (!Files.exists(state)) {
			return null;
		}
		String[] parts = Files.readString(state, StandardCharsets.US_ASCII).trim().split(" ");
		if (parts.length != 3) {
			return null;
		}
		return new Position(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
	}

}
