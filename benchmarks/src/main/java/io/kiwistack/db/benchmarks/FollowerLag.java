package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationProperties;
import io.kiwistack.db.replication.ReadReplication;
import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.FollowerStatus;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.Position;
import io.kiwistack.db.replication.ReplicationStatus;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * Read replica lag under steady writes (issue 7), a timed run in the report's JVM: a primary
 * context replicating to a directory at the default sync interval, and a read replica of that
 * directory in the same temporary directory ({@link ReadReplication#prepare}, a {@link KiwiDataSource}
 * opened as a replica, a {@link ReadReplication} at the default poll interval). One writer commits a
 * single-row transaction every {@value #COMMIT_EVERY_MILLIS} ms on the primary, its sequence
 * number in the row, and records when each commit returned; a reader thread on the replica reads
 * the newest sequence number about every {@value #READ_EVERY_MILLIS} ms and records when each
 * first became visible. The lag of commit k is the difference.
 * <p>
 * The follower starts polling {@value #FOLLOWER_PHASE_MILLIS} ms after a sync of the primary, near
 * the worst phase of the two schedules: a commit waits up to a sync interval to be shipped, then
 * nearly a poll interval more to be applied. The phase measured (how long after each of the
 * primary's syncs the follower applied it) is reported with the lag.
 */
final class FollowerLag {

	static final int COMMIT_EVERY_MILLIS = 25;

	static final int READ_EVERY_MILLIS = 5;

	/** When the follower starts polling, after a sync of the primary. */
	static final int FOLLOWER_PHASE_MILLIS = 900;

	/** The target of issue 7: p99 lag for a directory replica at the default intervals. */
	static final Duration LIMIT = Duration.ofSeconds(2);

	private static final String TITLE = "lag";

	private static final String NEWEST = "SELECT qty FROM item WHERE title = '" + TITLE + "' ORDER BY id DESC LIMIT 1";

	private FollowerLag() {
	}

	/** Steady writes on the primary for {@code duration}, a commit every {@code every}. */
	static Result run(Duration duration, Duration every) throws SQLException, IOException, InterruptedException {
		try (SpringDatabase database = SpringDatabase.start(SpringDatabase.Kind.KIWI_REPLICATED, 0)) {
			ItemStore store = database.store();
			PrimaryReplication replicator = database.replicator();
			Duration syncInterval = database.syncInterval();
			Duration pollInterval = new KiwiDbReplicationProperties().getPollInterval();
			Path replica = database.directory().resolve("replica");
			Path followerFile = database.directory().resolve("follower.db");
			// The phase is set from a scheduled sync: the first runs as the context starts, and each next
			// one a sync interval after the one before ends. syncNow() below does not move that schedule.
			Instant scheduledSync = firstScheduledSync(replicator, syncInterval);
			// Warm the write path up and ship it all, so the replica restores with the table in it.
			for (int i = 0; i < 500; i++) {
				store.insert("warmup", 0);
			}
			replicator.syncNow();

			try (FileReplicaClient client = new FileReplicaClient(replica);
					KiwiDataSource followerDb = prepareAndOpen(followerFile, client, replica);
					ReadReplication follower = KiwiDbReplicator.readReplica(followerDb, client, pollInterval, Duration.ofDays(1))) {
				// The phase: start polling FOLLOWER_PHASE_MILLIS after one of the primary's scheduled syncs.
				long wait = TimeUnit.MILLISECONDS.toNanos(FOLLOWER_PHASE_MILLIS)
						- Duration.between(scheduledSync, Instant.now()).toNanos();
				while (wait < 0) {
					wait += syncInterval.toNanos();
				}
				TimeUnit.NANOSECONDS.sleep(wait);
				follower.start();

				int capacity = (int) (duration.toNanos() / every.toNanos()) + 16;
				long[] committedAt = new long[capacity];
				Reader reader = new Reader(followerDb, replicator, follower, capacity,
						syncInterval.plus(pollInterval).multipliedBy(3).plusSeconds(5));
				Thread readerThread = new Thread(reader, "follower-lag-reader");
				readerThread.setDaemon(true);
				readerThread.setPriority(Thread.MAX_PRIORITY);
				readerThread.start();

				PacedCommits.Result written;
				try {
					// Sequence numbers start at 1: the reader reads 0 before the first is visible.
					written = PacedCommits.run(duration, every, committedAt, (n) -> store.insert(TITLE, n + 1),
							(count) -> reader.committed = count);
				}
				finally {
					reader.writerDone = true;
				}
				int commits = written.commits();
				long writeNanos = written.writeNanos();
				readerThread.join();
				// Let the follower finish its apply in flight (close interrupts it), and surface any error.
				follower.syncNow();
				if (reader.failure.get() != null) {
					throw new IllegalStateException("The follower lag reader failed", reader.failure.get());
				}
				ReplicationStatus primaryStatus = replicator.status();
				if (primaryStatus.lastError() != null) {
					throw new IllegalStateException("Replication failed during the follower lag run: " + primaryStatus);
				}
				FollowerStatus followerStatus = follower.status();
				if (followerStatus.lastError() != null) {
					throw new IllegalStateException("Following failed during the follower lag run: " + followerStatus);
				}

				int seen = Math.min(reader.seen, commits);
				double[] lags = new double[seen];
				for (int k = 0; k < seen; k++) {
					lags[k] = Math.max(0, reader.seenAt[k] - committedAt[k]) / 1e6;
				}
				Arrays.sort(lags);
				double[] phase = Arrays.copyOf(reader.applyAfterSync, reader.applies);
				Arrays.sort(phase);
				return new Result(syncInterval, pollInterval, every, duration, commits, seen,
						commits / (writeNanos / 1e9), ReplicationRuns.percentile(lags, 0.50),
						ReplicationRuns.percentile(lags, 0.99), (seen > 0) ? lags[seen - 1] : Double.NaN,
						ReplicationRuns.percentile(phase, 0.50), reader.reads, reader.readErrors, reader.firstReadError,
						reader.longestReadNanos / 1e6);
			}
		}
	}

	/** When the primary's first scheduled sync ended: it runs as the replicator starts. */
	private static Instant firstScheduledSync(PrimaryReplication replicator, Duration syncInterval)
			throws InterruptedException {
		long deadline = System.nanoTime() + syncInterval.plusSeconds(10).toNanos();
		Instant synced;
		while ((synced = replicator.counters().lastSuccessfulSync()) == null) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The primary did not sync after it started: " + replicator.status());
			}
			Thread.sleep(1);
		}
		return synced;
	}

	/** A read replica of {@code replica}, restored into {@code file} and opened as a replica. */
	private static KiwiDataSource prepareAndOpen(Path file, FileReplicaClient client, Path replica)
			throws IOException, SQLException {
		ReadReplication.prepare(file, client, false);
		return KiwiDataSource
			.open(KiwiDbSettings.builder(file.toString()).replicaOf("file:" + replica).readers(2).build());
	}

	/**
	 * Reads the newest sequence number on the replica about every {@value #READ_EVERY_MILLIS} ms;
	 * notes when each first became visible, and how long after each of the primary's syncs the
	 * follower's position moved.
	 */
	private static final class Reader implements Runnable {

		private final KiwiDataSource replica;

		private final PrimaryReplication primary;

		private final ReadReplication follower;

		private final Duration drain;

		final long[] seenAt;

		volatile int committed;

		volatile boolean writerDone;

		int seen;

		long reads;

		long readErrors;

		String firstReadError;

		long longestReadNanos;

		double[] applyAfterSync = new double[64];

		int applies;

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		Reader(KiwiDataSource replica, PrimaryReplication primary, ReadReplication follower, int capacity, Duration drain) {
			this.replica = replica;
			this.primary = primary;
			this.follower = follower;
			this.seenAt = new long[capacity];
			this.drain = drain;
		}

		@Override
		public void run() {
			try {
				long deadline = Long.MAX_VALUE;
				Instant syncedBefore = null;
				long syncSeenAt = 0;
				Position appliedBefore = null;
				while (true) {
					boolean done = this.writerDone;
					long before = System.nanoTime();
					int newest = -1;
					try (Connection connection = this.replica.getConnection();
							Statement statement = connection.createStatement();
							ResultSet rows = statement.executeQuery(NEWEST)) {
						newest = rows.next() ? rows.getInt(1) : 0;
					}
					catch (SQLException ex) {
						this.readErrors++;
						if (this.firstReadError == null) {
							this.firstReadError = ex.getMessage();
						}
					}
					long now = System.nanoTime();
					this.reads++;
					this.longestReadNanos = Math.max(this.longestReadNanos, now - before);
					int covered = Math.min(newest, this.seenAt.length);
					for (int k = this.seen; k < covered; k++) {
						this.seenAt[k] = now;
					}
					this.seen = Math.max(this.seen, covered);

					Instant synced = this.primary.counters().lastSuccessfulSync();
					if (synced != null && !synced.equals(syncedBefore)) {
						syncedBefore = synced;
						syncSeenAt = now;
					}
					Position applied = this.follower.status().position();
					if (appliedBefore != null && applied != null && !applied.equals(appliedBefore) && syncSeenAt != 0) {
						if (this.applies == this.applyAfterSync.length) {
							this.applyAfterSync = Arrays.copyOf(this.applyAfterSync, this.applies * 2);
						}
						this.applyAfterSync[this.applies++] = (now - syncSeenAt) / 1e6;
					}
					appliedBefore = applied;

					if (done) {
						if (this.seen >= this.committed) {
							return;
						}
						if (deadline == Long.MAX_VALUE) {
							// The scheduled syncs and polls bring the rest: a few intervals is plenty.
							deadline = now + this.drain.toNanos();
						}
						else if (now > deadline) {
							return;
						}
					}
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(READ_EVERY_MILLIS));
				}
			}
			catch (Throwable ex) {
				this.failure.set(ex);
			}
		}

	}

	/**
	 * The follower lag run's results, times in milliseconds.
	 * @param applyAfterSyncP50 how long after a sync of the primary the follower's position moved, median
	 * @param longestReadMillis the longest read on the replica (reads wait while an apply runs)
	 */
	record Result(Duration syncInterval, Duration pollInterval, Duration commitEvery, Duration duration, int commits,
			int seen, double commitsPerSecond, double p50, double p99, double max, double applyAfterSyncP50, long reads,
			long readErrors, String firstReadError, double longestReadMillis) {

		double limitMillis() {
			return LIMIT.toNanos() / 1e6;
		}

		/** Met when every commit became visible on the replica, no read failed, and p99 is within the limit. */
		boolean met() {
			return this.seen == this.commits && this.commits > 0 && this.readErrors == 0 && !Double.isNaN(this.p99)
					&& this.p99 <= limitMillis();
		}

	}

}
