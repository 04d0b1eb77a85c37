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
			// Nothing restored, so nothing made the directory yet: the state file comes first.
			OwnerOnlyFiles.createDirectories(file.getParent());
			writeState(state, null);
		}
	}

	/** Resume from the state file, then poll every poll interval. */
	void start() {
		this.thread.every(this.pollInterval, Duration.ZERO, this::pollQuietly);
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
		// An apply under way finishes: stopping it half way would leave the state file behind the file.
		this.thread.stop();
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
			this.applied = (resumed.offset() == saved.offset()) ? resumed : null;
		}
		catch (ReplicaException ex) {
			logger.log(Level.INFO, "Can''t continue {0} where it stood ({1}); switching to the newest generation",
					this.database, ex.getMessage());
			this.applied = null;
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
			this.applied = null;
			resume();
			this.newestTransactionAt = result.snapshot().createdAt();
		}
		finally {
			Files.deleteIfExists(restored);
		}
	}

	private void applyNewSegments() throws Exception {
		LogProgress from = this.applied;
		List<WalSegmentInfo> fresh = new ArrayList<>();
		for (WalSegmentInfo segment : this.client.walSegments(from.generation(), from.index())) {
			if (segment.index() > from.index() || (segment.index() == from.index() && segment.offset() >= from.offset())) {
				fresh.add(segment);
			}
		}
		if (fresh.isEmpty()) {
			return;
		}
		List<LogReader.Batch> batches = new ArrayList<>();
		LogProgress reached = new LogReader(this.client).read(fresh, from, 0, batches::add);
		this.dataSource.whileReadersPaused(() -> {
			try (FileChannel channel = FileChannel.open(this.database, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
				for (LogReader.Batch batch : batches) {
					PageWriter.applyFrames(batch.header(), batch.log(), batch.framesFrom(), channel);
				}
				PageWriter.markRollbackJournal(channel);
				channel.force(true);
			}
			return null;
		});
		this.applied = reached;
		this.newestTransactionAt = fresh.get(fresh.size() - 1).createdAt();
		writeState(stateFile(this.database), reached.position());
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

}
