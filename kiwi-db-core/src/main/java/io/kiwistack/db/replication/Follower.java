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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.KiwiDataSource;
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

	private final ScheduledExecutorService executor;

	private String generation;

	private long index;

	private long offset;

	private WalHeader header;

	private WalChecksum checksum;

	private volatile Position position;

	private volatile Instant newestTransactionAt;

	private volatile Instant caughtUpAt;

	private volatile String lastError;

	private volatile Instant failingSince;

	private static final int GENERATION_CHECK_EVERY = 10;

	private long polls;

	Follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval) {
		this(dataSource, client, pollInterval, Clock.systemUTC());
	}

	/** @param clock what lag and failures are timed by */
	Follower(KiwiDataSource dataSource, ReplicaClient client, Duration pollInterval, Clock clock) {
		this.clock = clock;
		this.dataSource = dataSource;
		this.database = dataSource.file()
			.orElseThrow(() -> new IllegalArgumentException("A read replica needs a database file"))
			.path();
		this.client = client;
		this.pollInterval = pollInterval;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "kiwi-db-follower");
			thread.setDaemon(true);
			return thread;
		});
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
			writeState(state, null);
		}
	}

	/** Resume from the state file, then poll every poll interval. */
	void start() {
		this.executor.scheduleWithFixedDelay(this::pollQuietly, 0, this.pollInterval.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Apply everything the replica holds now, and wait for it.
	 * @throws ReplicaException when polling or applying fails
	 */
	void pollNow() {
		try {
			this.executor.submit(() -> {
				poll(true);
				return null;
			}).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ReplicaException("Interrupted while following " + this.client.describe(), ex);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof ReplicaException replicaException) ? replicaException
					: new ReplicaException("Following " + this.client.describe() + " failed: " + cause.getMessage(), cause);
		}
	}

	/** Where this replica stands now. */
	FollowerStatus status() {
		Instant caughtUp = this.caughtUpAt;
		Duration lag = (caughtUp != null) ? Duration.between(caughtUp, this.clock.instant()) : null;
		return new FollowerStatus(this.client.describe(), this.position, this.newestTransactionAt, lag, this.lastError,
				this.failingSince);
	}

	/** Stop following. The file stays as it is: a consistent state the primary committed. */
	@Override
	public void close() {
		// An apply under way finishes: stopping it half way would leave the state file behind the file.
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
			if (this.position == null && this.generation == null) {
				resume();
			}
			// Listing generations is the expensive part of a poll on object storage: do it at the
			// start and every few polls, and list only the current generation's new segments between.
			boolean checkGenerations = this.generation == null || listGenerations;
			Optional<Restorer.LatestGeneration> latest = checkGenerations ? new Restorer(this.client).latestGeneration()
					: Optional.of(new Restorer.LatestGeneration(this.generation, true));
			boolean newer = latest.isPresent() && !latest.get().generation().equals(this.generation);
			if (newer && (latest.get().ready() || this.generation == null)) {
				switchTo(latest.get().generation());
			}
			else if (latest.isPresent() && this.generation != null) {
				// The current generation, or the last transactions of one a newer generation is
				// taking over from while its first segments are still on their way.
				applyNewSegments();
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

	private void resume() throws IOException {
		Position saved = readState(stateFile(this.database));
		if (saved == null) {
			return;
		}
		this.generation = saved.generation();
		this.index = saved.index();
		this.offset = saved.offset();
		this.header = null;
		this.checksum = null;
		this.position = saved;
		if (this.offset > 0) {
			List<WalSegmentInfo> applied = new ArrayList<>();
			for (WalSegmentInfo segment : this.client.walSegments(this.generation)) {
				if (segment.index() == this.index && segment.offset() < this.offset) {
					applied.add(segment);
				}
			}
			byte[] log = SegmentLog.download(this.client, applied, 0).bytes();
			WalHeader resumed = WalHeader.parse(log, 0, log.length);
			if (resumed == null || log.length != this.offset) {
				this.generation = null;
				return;
			}
			WalFrames.Scan scan = WalFrames.scan(resumed, resumed.checksum(), log, WalHeader.SIZE,
					log.length - WalHeader.SIZE);
			if (scan.trailingBytes()) {
				this.generation = null;
				return;
			}
			this.header = resumed;
			this.checksum = scan.checksumAtCommit();
		}
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
			this.position = null;
			this.generation = null;
			resume();
			this.newestTransactionAt = result.snapshot().createdAt();
		}
		finally {
			Files.deleteIfExists(restored);
		}
	}

	private void applyNewSegments() throws Exception {
		List<WalSegmentInfo> fresh = new ArrayList<>();
		for (WalSegmentInfo segment : this.client.walSegments(this.generation, this.index)) {
			if (segment.index() > this.index || (segment.index() == this.index && segment.offset() >= this.offset)) {
				fresh.add(segment);
			}
		}
		if (fresh.isEmpty()) {
			return;
		}
		List<Batch> batches = new ArrayList<>();
		long nextIndex = this.index;
		long nextOffset = this.offset;
		WalHeader nextHeader = this.header;
		WalChecksum nextChecksum = this.checksum;
		int from = 0;
		while (from < fresh.size()) {
			long batchIndex = fresh.get(from).index();
			int to = from;
			while (to < fresh.size() && fresh.get(to).index() == batchIndex) {
				to++;
			}
			List<WalSegmentInfo> segments = fresh.subList(from, to);
			if (batchIndex != nextIndex) {
				if (batchIndex != nextIndex + 1 || segments.get(0).offset() != 0) {
					throw gap(segments.get(0));
				}
				nextOffset = 0;
				nextHeader = null;
			}
			else if (segments.get(0).offset() != nextOffset) {
				throw gap(segments.get(0));
			}
			SegmentLog downloaded = SegmentLog.download(this.client, segments, nextOffset);
			byte[] log = downloaded.bytes();
			int framesFrom = 0;
			if (nextOffset == 0) {
				nextHeader = WalHeader.parse(log, 0, log.length);
				if (nextHeader == null) {
					throw downloaded.damagedAt(0, "it does not start with a valid SQLite WAL header");
				}
				nextChecksum = nextHeader.checksum();
				framesFrom = WalHeader.SIZE;
			}
			WalFrames.Scan scan = WalFrames.scan(nextHeader, nextChecksum, log, framesFrom, log.length - framesFrom);
			if (scan.trailingBytes()) {
				throw downloaded.damagedAt(framesFrom + scan.committedLength(),
						"its frames fail the checksum chain or do not end at a commit");
			}
			batches.add(new Batch(nextHeader, log, framesFrom));
			nextIndex = batchIndex;
			nextOffset += log.length;
			nextChecksum = scan.checksumAtCommit();
			from = to;
		}
		this.dataSource.whileReadersPaused(() -> {
			try (FileChannel channel = FileChannel.open(this.database, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
				for (Batch batch : batches) {
					PageWriter.applyFrames(batch.header(), batch.log(), batch.framesFrom(), channel);
				}
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			return null;
		});
		this.index = nextIndex;
		this.offset = nextOffset;
		this.header = nextHeader;
		this.checksum = nextChecksum;
		this.position = new Position(this.generation, this.index, this.offset);
		this.newestTransactionAt = fresh.get(fresh.size() - 1).createdAt();
		writeState(stateFile(this.database), this.position);
	}

	private ReplicaException gap(WalSegmentInfo found) {
		return new ReplicaException("The replica " + this.client.describe() + " has a gap before " + found.path()
				+ " (expected log index " + ReplicaLayout.hex8(this.index) + " at offset " + ReplicaLayout.hex8(this.offset)
				+ "); the replica waits for a new generation");
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

	static Path stateFile(Path database) {
		return database.resolveSibling(database.getFileName() + "-follower");
	}

	private static void writeState(Path state, Position position) throws IOException {
		String text = (position != null)
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

	private record Batch(WalHeader header, byte[] log, int framesFrom) {
	}

}
