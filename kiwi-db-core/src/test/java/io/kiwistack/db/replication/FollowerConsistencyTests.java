package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * A read replica's readers run read-only transactions without pause while the follower applies a
 * stream of transfers the primary commits (with checkpoints, so new log indexes, and a restart of
 * the primary's replicator, so a new generation). Every transfer moves an amount between two
 * accounts and writes the two matching ledger rows, so every state the primary committed keeps the
 * accounts and the ledger in agreement; a reader that ever sees a half-applied transaction, sees an
 * older state than one it saw before, or fails, fails the test. Also measures how long a commit
 * takes to be readable on the follower at the default intervals.
 */
class FollowerConsistencyTests {

	private static final int ACCOUNTS = 100;

	private static final long OPENING_BALANCE = 1_000;

	private static final long TOTAL = ACCOUNTS * OPENING_BALANCE;

	private static final int READERS = 4;

	private static final Duration RUN = Duration.ofSeconds(5);

	/** Most transfers a writer transaction holds; some transactions touch many pages. */
	private static final int MAX_TRANSFERS_PER_TRANSACTION = 40;

	private static final String PAD = "p".repeat(180);

	@TempDir
	Path dir;

	@Test
	@Timeout(60)
	void readersOnAFollowerSeeOnlyWholeTransactionsWhileItAppliesAndCrossesAGeneration() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofMillis(50))
			.withCheckpointThresholdBytes(128 * 1024);
		KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
		Replicator replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
		KiwiDataSource followerDb = null;
		Follower follower = null;
		try {
			replicator.start();
			createAccounts(primary);
			replicator.syncNow();
			String firstGeneration = replicator.status().position().generation();

			Follower.prepare(followerFile, new FileReplicaClient(replica));
			followerDb = KiwiDataSource.open(KiwiDbSettings.builder(followerFile.toString())
				.replicaOf("file:" + replica)
				.readers(READERS)
				.build());
			follower = new Follower(followerDb, new FileReplicaClient(replica), Duration.ofMillis(20));
			follower.start();

			AtomicBoolean running = new AtomicBoolean(true);
			Transfers transfers = new Transfers(primary, running);
			List<Reader> readers = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				readers.add(new Reader(followerDb, running, transfers));
			}
			List<Thread> threads = new ArrayList<>();
			threads.add(new Thread(transfers, "transfers"));
			for (int i = 0; i < READERS; i++) {
				threads.add(new Thread(readers.get(i), "follower-reader-" + i));
			}
			threads.forEach(Thread::start);

			Thread.sleep(RUN.toMillis() / 2);
			// A restart of the primary's replication: the follower must cross to a new generation.
			replicator.close();
			ShippedRecords.forget(primary.file().orElseThrow().path());
			replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
			replicator.start();
			Thread.sleep(RUN.toMillis() / 2);
			// The new generation starts on a short log (the clean stop checkpointed the old one): on a
			// slow machine its first checkpoint may take longer than the run, so wait for it.
			long checkpointBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (replicator.status().position().index() == 0 && System.nanoTime() < checkpointBy) {
				Thread.sleep(50);
			}

			running.set(false);
			for (Thread thread : threads) {
				thread.join(20_000);
				assertThat(thread.isAlive()).as("%s ended", thread.getName()).isFalse();
			}
			assertThat(transfers.errors).as("writer errors").isEmpty();

			replicator.syncNow();
			follower.pollNow();
			Position shipped = replicator.status().position();
			assertThat(shipped.generation()).as("the restarted replicator's generation").isNotEqualTo(firstGeneration);
			assertThat(shipped.index()).as("log index reached after checkpoints in the second generation")
				.isGreaterThan(0);
			assertThat(follower.status().position()).as("the follower's position").isEqualTo(shipped);
			assertThat(follower.status().lastError()).isNull();

			long reads = readers.stream().mapToLong((reader) -> reader.reads).sum();
			List<String> readerErrors = new ArrayList<>();
			List<String> violations = new ArrayList<>();
			List<String> regressions = new ArrayList<>();
			for (Reader reader : readers) {
				readerErrors.addAll(reader.errors);
				violations.addAll(reader.violations);
				regressions.addAll(reader.regressions);
			}
			long[] lags = transfers.lagsMillis();
			System.out.printf(
					"follower consistency: %d transactions (%d transfers) committed, %d read transactions on the "
							+ "follower, %d reader errors, %d invariant violations, %d reads older than an earlier read "
							+ "(%s); visibility lag (sync 50 ms, poll 20 ms) "
							+ "p50 %d ms, p99 %d ms, max %d ms over %d transactions%n",
					transfers.transactions.get(), transfers.transfers.get(), reads, readerErrors.size(), violations.size(),
					regressions.size(), regressions.stream().distinct().limit(3).toList(),
					percentile(lags, 50), percentile(lags, 99), percentile(lags, 100), lags.length);
			assertThat(readerErrors).as("errors of readers on the follower").isEmpty();
			assertThat(violations).as("states read on the follower that break the invariant").isEmpty();
			assertThat(regressions).as("reads of a state older than one the same reader saw before").isEmpty();
			assertThat(transfers.transactions.get()).as("transactions committed on the primary").isGreaterThan(100);
			assertThat(reads).as("read transactions on the follower").isGreaterThan(100);
			assertThat(readers).allSatisfy((reader) -> assertThat(reader.lastTransaction)
				.as("newest transaction a reader saw").isGreaterThan(0));

			try (Connection connection = followerDb.getConnection()) {
				assertThat(check(connection)).as("the follower's final state").isNull();
			}
		}
		finally {
			if (follower != null) {
				follower.close();
			}
			if (followerDb != null) {
				followerDb.close();
			}
			replicator.close();
			primary.close();
		}
		assertThat(DatabaseDump.integrity(followerFile)).isEqualTo("ok");
		assertSameDump(DatabaseDump.of(followerFile), DatabaseDump.of(primaryFile));
	}

	/**
	 * A follower already applied every transaction of a generation; the primary's replication
	 * restarts with transactions in its log that were never checkpointed, so the new generation is
	 * a snapshot of the older database file plus a first log segment. A follower polling without
	 * pause must never serve a state older than one it served.
	 */
	@Test
	@Timeout(60)
	void aFollowerNeverGoesBackInTimeWhenThePrimaryStartsANewGeneration() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		// The default checkpoint threshold (4 MB): the log below holds everything since the last one.
		ReplicationSettings settings = ReplicationSettings.defaults().withSyncInterval(Duration.ofMillis(50));
		KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
		Replicator replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
		KiwiDataSource followerDb = null;
		Follower follower = null;
		try {
			replicator.start();
			try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
			}
			Random random = new Random(3);
			int rows = 0;
			Follower.prepare(followerFile, new FileReplicaClient(replica));
			followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(2).build());
			follower = new Follower(followerDb, new FileReplicaClient(replica), Duration.ofHours(1));
			List<String> regressions = new ArrayList<>();
			for (int restart = 1; restart <= 3; restart++) {
				// About 0.8 MB of log per round, incompressible, never checkpointed.
				for (int i = 0; i < 8; i++) {
					byte[] body = new byte[100 * 1024];
					random.nextBytes(body);
					try (Connection connection = primary.getConnection();
							PreparedStatement insert = connection.prepareStatement("INSERT INTO blobs (body) VALUES (?)")) {
						insert.setBytes(1, body);
						insert.executeUpdate();
					}
					rows++;
				}
				replicator.syncNow();
				follower.pollNow();
				assertThat(countRows(followerDb, "blobs")).as("rows on the follower before restart %d", restart)
					.isEqualTo(rows);

				AtomicBoolean polling = new AtomicBoolean(true);
				Follower polled = follower;
				KiwiDataSource read = followerDb;
				int expected = rows;
				int round = restart;
				ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
				Thread poller = new Thread(() -> {
					while (polling.get()) {
						try {
							polled.pollNow();
							int count = countRows(read, "blobs");
							if (count < expected) {
								seen.add("restart " + round + ": " + count + " rows after " + expected + " at "
										+ polled.status().position());
							}
						}
						catch (Exception ex) {
							seen.add("restart " + round + ": " + ex);
						}
					}
				}, "tight-poller");
				poller.start();
				replicator.close();
				// Each restart begins a new generation, whose snapshot the follower must not serve alone.
				ShippedRecords.forget(primary.file().orElseThrow().path());
				replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
				replicator.start();
				replicator.syncNow();
				Thread.sleep(200);
				polling.set(false);
				poller.join(10_000);
				regressions.addAll(seen);
				assertThat(countRows(followerDb, "blobs")).as("rows on the follower after restart %d", restart)
					.isEqualTo(rows);
			}
			assertThat(regressions).as("states older than one the follower had served").isEmpty();
		}
		finally {
			if (follower != null) {
				follower.close();
			}
			if (followerDb != null) {
				followerDb.close();
			}
			replicator.close();
			primary.close();
		}
	}

	private static int countRows(KiwiDataSource dataSource, String table) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
			rows.next();
			return rows.getInt(1);
		}
	}

	/**
	 * Steady writes at the default intervals (ship every second, poll every second): how long a
	 * transaction committed on the primary takes to be readable on the follower, with the follower
	 * polling just before each sync of the primary, the worst case.
	 */
	@Test
	@Timeout(60)
	void followerLagAtDefaultIntervals() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path primaryFile = this.dir.resolve("primary.db");
		Path followerFile = this.dir.resolve("follower.db");
		ReplicationSettings settings = ReplicationSettings.defaults();
		KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(primaryFile.toString()).autoCheckpoint(false).build());
		Replicator replicator = new Replicator(primary, new FileReplicaClient(replica), settings);
		KiwiDataSource followerDb = null;
		Follower follower = null;
		try {
			replicator.start();
			createAccounts(primary);
			replicator.syncNow();
			Follower.prepare(followerFile, new FileReplicaClient(replica));
			followerDb = KiwiDataSource
				.open(KiwiDbSettings.builder(followerFile.toString()).replicaOf("file:" + replica).readers(2).build());
			follower = new Follower(followerDb, new FileReplicaClient(replica), Duration.ofSeconds(1));
			// The worst phase: the follower polls 0.9 s after each of the primary's syncs, so a commit
			// waits up to a sync interval to be shipped, then up to 0.9 s more to be applied.
			Instant lastSync = replicator.status().lastSuccessfulSync();
			while (lastSync.equals(replicator.status().lastSuccessfulSync())) {
				Thread.sleep(1);
			}
			Thread.sleep(900);
			follower.start();

			int count = 400;
			long[] committedAt = new long[count + 1];
			AtomicLongArray seenAt = new AtomicLongArray(count + 1);
			AtomicBoolean writing = new AtomicBoolean(true);
			KiwiDataSource probed = followerDb;
			Replicator shipping = replicator;
			Follower following = follower;
			ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
			// How long after each sync of the primary the follower applied it: the phase measured.
			ConcurrentLinkedQueue<Long> applyAfterSync = new ConcurrentLinkedQueue<>();
			Thread probe = new Thread(() -> {
				int seen = 0;
				Instant syncedBefore = null;
				long lastSyncSeenAt = 0;
				Position lastApplied = null;
				while (writing.get() || seen < count) {
					try (Connection connection = probed.getConnection();
							Statement statement = connection.createStatement();
							ResultSet rows = statement.executeQuery("SELECT coalesce(max(tx), 0) FROM ledger")) {
						rows.next();
						int newest = rows.getInt(1);
						long now = System.nanoTime();
						for (int tx = seen + 1; tx <= newest; tx++) {
							seenAt.set(tx, now);
						}
						seen = Math.max(seen, newest);
						Instant synced = shipping.status().lastSuccessfulSync();
						if (!synced.equals(syncedBefore)) {
							syncedBefore = synced;
							lastSyncSeenAt = now;
						}
						Position applied = following.status().position();
						if (lastApplied != null && !applied.equals(lastApplied)) {
							applyAfterSync.add((now - lastSyncSeenAt) / 1_000_000);
						}
						lastApplied = applied;
						Thread.sleep(2);
					}
					catch (InterruptedException ex) {
						return;
					}
					catch (Exception ex) {
						errors.add(ex);
					}
				}
			}, "lag-probe");
			probe.start();
			// 40 transactions a second for 10 s, each one transfer.
			Random random = new Random(7);
			for (int tx = 1; tx <= count; tx++) {
				try (Connection connection = primary.getConnection()) {
					connection.setAutoCommit(false);
					transfer(connection, random, tx);
					connection.commit();
				}
				committedAt[tx] = System.nanoTime();
				Thread.sleep(25);
			}
			writing.set(false);
			probe.join(15_000);
			assertThat(probe.isAlive()).as("every transaction reached the follower within 15 s").isFalse();
			assertThat(errors).as("probe errors").isEmpty();
			long[] lags = new long[count];
			for (int tx = 1; tx <= count; tx++) {
				lags[tx - 1] = Math.max(0, (seenAt.get(tx) - committedAt[tx]) / 1_000_000);
			}
			Arrays.sort(lags);
			long[] phase = applyAfterSync.stream().mapToLong(Long::longValue).sorted().toArray();
			System.out.printf(
					"follower lag at default intervals (sync 1 s, poll 1 s), %d transactions over 10 s, the follower "
							+ "applying a median %d ms after each sync of the primary: p50 %d ms, p99 %d ms, max %d ms%n",
					count, percentile(phase, 50), percentile(lags, 50), percentile(lags, 99), percentile(lags, 100));
			// Shipping waits at most a sync interval, following at most a poll interval.
			assertThat(percentile(lags, 99)).as("p99 lag in ms").isLessThan(2_500);
		}
		finally {
			if (follower != null) {
				follower.close();
			}
			if (followerDb != null) {
				followerDb.close();
			}
			replicator.close();
			primary.close();
		}
	}

	private static void createAccounts(KiwiDataSource primary) throws SQLException {
		try (Connection connection = primary.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
			statement.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, tx INTEGER NOT NULL, "
					+ "account INTEGER NOT NULL, delta INTEGER NOT NULL, note TEXT NOT NULL)");
			statement.execute("CREATE INDEX ledger_account ON ledger (account)");
			connection.setAutoCommit(false);
			try (PreparedStatement account = connection.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, ?)");
					PreparedStatement opening = connection.prepareStatement(
							"INSERT INTO ledger (tx, account, delta, note) VALUES (0, ?, ?, 'opening')")) {
				for (int id = 1; id <= ACCOUNTS; id++) {
					account.setInt(1, id);
					account.setLong(2, OPENING_BALANCE);
					account.executeUpdate();
					opening.setInt(1, id);
					opening.setLong(2, OPENING_BALANCE);
					opening.executeUpdate();
				}
			}
			connection.commit();
		}
	}

	/** One transfer: two account updates and the two matching ledger rows. */
	private static void transfer(Connection connection, Random random, long tx) throws SQLException {
		int from = random.nextInt(ACCOUNTS);
		int to = 1 + (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
		from++;
		long amount = 1 + random.nextInt(50);
		try (PreparedStatement update = connection.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
				PreparedStatement ledger = connection
					.prepareStatement("INSERT INTO ledger (tx, account, delta, note) VALUES (?, ?, ?, ?)")) {
			update.setLong(1, -amount);
			update.setInt(2, from);
			assertThat(update.executeUpdate()).isEqualTo(1);
			ledger.setLong(1, tx);
			ledger.setInt(2, from);
			ledger.setLong(3, -amount);
			ledger.setString(4, PAD);
			ledger.executeUpdate();
			update.setLong(1, amount);
			update.setInt(2, to);
			assertThat(update.executeUpdate()).isEqualTo(1);
			ledger.setLong(1, tx);
			ledger.setInt(2, to);
			ledger.setLong(3, amount);
			ledger.setString(4, PAD);
			ledger.executeUpdate();
		}
	}

	/**
	 * The invariant, read in one read-only transaction across both tables.
	 * @return what is broken, or {@code null}
	 */
	private static String check(Connection connection) throws SQLException {
		return check(connection, new long[1]);
	}

	private static String check(Connection connection, long[] newestTransaction) throws SQLException {
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			long balances;
			long accounts;
			try (ResultSet rows = statement.executeQuery("SELECT sum(balance), count(*) FROM accounts")) {
				rows.next();
				balances = rows.getLong(1);
				accounts = rows.getLong(2);
			}
			long deltas;
			long entries;
			long newest;
			long transactions;
			try (ResultSet rows = statement
				.executeQuery("SELECT sum(delta), count(*), max(tx), count(DISTINCT tx) FROM ledger")) {
				rows.next();
				deltas = rows.getLong(1);
				entries = rows.getLong(2);
				newest = rows.getLong(3);
				transactions = rows.getLong(4);
			}
			long disagreeing;
			try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM accounts a WHERE a.balance <> "
					+ "(SELECT coalesce(sum(l.delta), 0) FROM ledger l WHERE l.account = a.id)")) {
				rows.next();
				disagreeing = rows.getLong(1);
			}
			connection.commit();
			newestTransaction[0] = newest;
			if (accounts != ACCOUNTS || balances != TOTAL || deltas != TOTAL || disagreeing != 0
					|| (entries - ACCOUNTS) % 2 != 0 || (newest > 0 && transactions - 1 != newest)) {
				return "accounts " + accounts + ", balances " + balances + ", ledger sum " + deltas + ", ledger rows "
						+ entries + ", newest tx " + newest + ", distinct tx " + transactions + ", accounts disagreeing "
						+ disagreeing;
			}
			return null;
		}
		finally {
			if (!connection.getAutoCommit()) {
				connection.rollback();
			}
		}
	}

	private static long percentile(long[] sorted, int percentile) {
		if (sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static void assertSameDump(List<String> follower, List<String> primary) {
		int common = Math.min(follower.size(), primary.size());
		for (int i = 0; i < common; i++) {
			if (!follower.get(i).equals(primary.get(i))) {
				throw new AssertionError("the follower's dump differs from the primary's at line " + i + ": "
						+ follower.get(i) + " instead of " + primary.get(i));
			}
		}
		assertThat(follower.size()).as("lines of the follower's dump, against the primary's").isEqualTo(primary.size());
	}

	/**
	 * The primary's writer: transactions of 1 to 40 transfers, up to about 500 a second (enough to
	 * keep the follower applying without pause, not so many that a small machine only measures its
	 * own saturation), numbered 1, 2, ... in the ledger's {@code tx} column.
	 */
	private static final class Transfers implements Runnable {

		private final KiwiDataSource primary;

		private final AtomicBoolean running;

		private final AtomicLong transactions = new AtomicLong();

		private final AtomicLong transfers = new AtomicLong();

		private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

		/** When each transaction committed (index: tx), and when a reader first saw it. */
		private final long[] committedAt = new long[1_000_000];

		private final AtomicLongArray seenAt = new AtomicLongArray(1_000_000);

		private final AtomicLong newestSeen = new AtomicLong();

		Transfers(KiwiDataSource primary, AtomicBoolean running) {
			this.primary = primary;
			this.running = running;
		}

		@Override
		public void run() {
			Random random = new Random(42);
			long tx = 0;
			long next = System.nanoTime();
			while (this.running.get() && tx < this.committedAt.length - 1) {
				next += 2_000_000;
				long ahead = next - System.nanoTime();
				if (ahead > 0) {
					LockSupport.parkNanos(ahead);
				}
				tx++;
				int count = (random.nextInt(10) == 0) ? MAX_TRANSFERS_PER_TRANSACTION : 1 + random.nextInt(3);
				try (Connection connection = this.primary.getConnection()) {
					connection.setAutoCommit(false);
					for (int i = 0; i < count; i++) {
						transfer(connection, random, tx);
					}
					connection.commit();
					this.committedAt[(int) tx] = System.nanoTime();
					this.transactions.incrementAndGet();
					this.transfers.addAndGet(count);
				}
				catch (SQLException | RuntimeException | AssertionError ex) {
					this.errors.add(ex.toString());
					return;
				}
			}
		}

		/** A reader saw every transaction up to {@code newest}. */
		void seen(long newest, long now) {
			long previous = this.newestSeen.get();
			while (newest > previous) {
				if (this.newestSeen.compareAndSet(previous, newest)) {
					for (long tx = previous + 1; tx <= newest; tx++) {
						this.seenAt.compareAndSet((int) tx, 0, now);
					}
					return;
				}
				previous = this.newestSeen.get();
			}
		}

		long[] lagsMillis() {
			long newest = this.newestSeen.get();
			long[] lags = new long[(int) newest];
			int n = 0;
			for (int tx = 1; tx <= newest; tx++) {
				long committed = this.committedAt[tx];
				long seen = this.seenAt.get(tx);
				if (committed != 0 && seen != 0) {
					lags[n++] = Math.max(0, (seen - committed) / 1_000_000);
				}
			}
			long[] measured = Arrays.copyOf(lags, n);
			Arrays.sort(measured);
			return measured;
		}

	}

	/** A reader on the follower: read-only transactions checking the invariant, without pause. */
	private static final class Reader implements Runnable {

		private final KiwiDataSource follower;

		private final AtomicBoolean running;

		private final Transfers transfers;

		private final List<String> errors = new ArrayList<>();

		private final List<String> violations = new ArrayList<>();

		/** Reads that saw an older state than one this reader saw before. */
		private final List<String> regressions = new ArrayList<>();

		private volatile long reads;

		private volatile long lastTransaction;

		Reader(KiwiDataSource follower, AtomicBoolean running, Transfers transfers) {
			this.follower = follower;
			this.running = running;
			this.transfers = transfers;
		}

		@Override
		public void run() {
			long[] newest = new long[1];
			while (this.running.get()) {
				try (Connection connection = this.follower.getConnection()) {
					String broken = check(connection, newest);
					this.transfers.seen(newest[0], System.nanoTime());
					if (broken != null) {
						this.violations.add(broken);
					}
					if (newest[0] < this.lastTransaction) {
						this.regressions.add("went back in time: saw transaction " + newest[0] + " after "
								+ this.lastTransaction);
					}
					this.lastTransaction = Math.max(this.lastTransaction, newest[0]);
					this.reads++;
				}
				catch (SQLException | RuntimeException ex) {
					if (this.errors.size() < 20) {
						this.errors.add(ex.toString());
					}
				}
			}
		}

	}

}
