package io.kiwistack.db.replication;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;

/**
 * The S3 target goes away and comes back, and a primary dies holding its claim: a primary keeps
 * accepting writes through a 60 s outage of S3 (S3Proxy in this JVM, stopped and restarted on the
 * same port with the same objects), keeps its write-ahead log within its bound meanwhile, and
 * once S3 is back a restore holds every acknowledged write; a primary killed with SIGKILL (another
 * JVM) keeps the replica claimed until its claim expires, and then a second primary takes over.
 * <p>
 * The minutes involved (the outage, the claims, the back-off) pass on a {@link TestClock} that
 * the tests move by hand, ten times as fast as real time during the outage and in one step to a
 * dead primary's expiry; what must happen in real time does: the writes, the checkpoints that keep
 * the log within its bound, the refused connections, the kill.
 */
class S3OutageTests {

	private static final String PREFIX = "outage/prefix";

	private static final Duration SYNC_INTERVAL = Duration.ofMillis(200);

	/** The longest back-off after failed syncs: the doubling stops at 32 sync intervals. */
	private static final Duration MAX_BACKOFF = SYNC_INTERVAL.multipliedBy(32);

	private static final long CHECKPOINT_THRESHOLD = 256 * 1024;

	/**
	 * The log's bound during the outage, small enough that the writer fills it several times in
	 * the few seconds of real time the outage takes.
	 */
	private static final long MAX_WAL_BYTES = 2L * 1024 * 1024;

	/**
	 * How far past {@link #MAX_WAL_BYTES} the -wal file may get during the outage. The replicator
	 * looks at the log once per sync interval, and a round that first tries the unreachable replica
	 * (the AWS SDK tries a refused connection four times, with back-off) looks only after that
	 * attempt failed; then it takes the writer barrier and checkpoints. What the writer adds
	 * meanwhile is the overshoot: this test's writer puts 2-3 MiB a second into the log, and once
	 * the claim's renewal is due every round tries the replica first. Measured: 0.1-0.5 MiB with
	 * an 8 MiB bound and the outage in real time; 1.1-2.2 MiB here, where a third or more of the
	 * outage's real time comes after the renewal fell due on the clock. Two bounds' worth leaves
	 * room for a loaded machine and still fails if the bound is not enforced: the outage lasts
	 * until the writer has put three bounds' worth of rows alone (and twice that of log) into the
	 * log, and the log must have restarted after checkpoints at least three times meanwhile.
	 */
	private static final long WAL_SLACK = 2 * MAX_WAL_BYTES;

	private static final Duration OUTAGE = Duration.ofSeconds(60);

	/** How far the clock moves per {@link #STEP} of real time during the outage. */
	private static final Duration OUTAGE_STEP = Duration.ofSeconds(1);

	/** How often the tests look, and move the clock. */
	private static final Duration STEP = Duration.ofMillis(100);

	/** The killed primary's claim: two minutes, of which the second primary waits none in real time. */
	private static final Duration LEASE_TIMEOUT = Duration.ofMinutes(2);

	private static S3ProxyServer s3;

	@TempDir
	Path dir;

	@BeforeAll
	static void startS3() throws Exception {
		s3 = S3ProxyServer.start();
	}

	@AfterAll
	static void stopS3() throws Exception {
		if (s3 != null) {
			s3.close();
		}
	}

	/**
	 * Writes go on through 60 s of outage on the clock, with a claim of twice that: the primary
	 * keeps acknowledging commits (its renewals, due after 40 s, fail, but the claim is valid for
	 * 100 s), checkpoints the log at its bound without shipping it, retries with a back-off that
	 * stops doubling at 32 sync intervals, and ships a new generation once S3 is back.
	 */
	@Test
	void writesGoOnThroughA60SecondOutageAndNothingAcknowledgedIsLost() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("primary.db");
		// A claim that outlasts the outage: the primary may keep acknowledging writes throughout.
		// FencingTests covers an outage past the claim.
		Duration leaseTimeout = OUTAGE.multipliedBy(2);
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(SYNC_INTERVAL)
			.withCheckpointThresholdBytes(CHECKPOINT_THRESHOLD)
			.withMaxWalBytes(MAX_WAL_BYTES)
			.withLeaseTimeout(leaseTimeout);
		TestClock clock = TestClock.startingNow();
		LogCapture log = LogCapture.of(Replicator.class.getName());
		try (KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
				S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			try (Connection connection = dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE acked (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
			}
			Path wal = dataSource.file().orElseThrow().walFile();
			long claimedOnClock = clock.nanoTime();
			Replicator replicator = new Replicator(dataSource, client, settings, clock);
			WalSampler sampler = new WalSampler(wal);
			RowWriter writer = new RowWriter(dataSource);
			try {
				replicator.start();
				replicator.syncNow();
				sampler.start();
				writer.start();

				// Normal shipping first, the clock moving with real time.
				long shippingSince = System.nanoTime();
				while (replicator.status().transactionsShipped() <= 100) {
					assertThat(System.nanoTime() - shippingSince).as("time to ship 100 transactions, in ns")
						.isLessThan(TimeUnit.SECONDS.toNanos(30));
					step(clock, STEP);
					writer.assertHealthy();
				}
				ReplicationStatus before = replicator.status();
				assertThat(before.failingSince()).as("shipping works before the outage: %s", before).isNull();
				assertThat(client.generations()).as("generations before the outage").hasSize(1);
				long maxWalBeforeOutage = sampler.max();

				// The outage: S3 refuses connections for 60 s on the clock, and for as long in real
				// time as the writer takes to fill the log's bound three times over.
				long acksAtStop = writer.acked();
				long payloadAtStop = writer.payloadBytes();
				long stoppedAt = System.nanoTime();
				long stoppedOnClock = clock.nanoTime();
				sampler.outage(true);
				s3.stop();
				Instant firstFailingSince = null;
				String lastErrorSeen = null;
				long failingSeenAfterNanos = -1;
				long acksAtRenewalDue = -1;
				while (clock.since(stoppedOnClock).compareTo(OUTAGE) < 0
						|| writer.payloadBytes() - payloadAtStop <= 3 * MAX_WAL_BYTES
						|| sampler.restartsDuringOutage() < 3) {
					assertThat(System.nanoTime() - stoppedAt).as("real time the outage took, in ns")
						.isLessThan(TimeUnit.SECONDS.toNanos(60));
					step(clock, (clock.since(stoppedOnClock).compareTo(OUTAGE) < 0) ? OUTAGE_STEP : Duration.ZERO);
					writer.assertHealthy();
					assertThat(replicator.writesRefused()).as("writes refused %s into the outage, with the claim valid",
							clock.since(stoppedOnClock)).isNull();
					if (acksAtRenewalDue < 0 && clock.since(claimedOnClock).compareTo(leaseTimeout.dividedBy(3)) > 0) {
						acksAtRenewalDue = writer.acked();
					}
					ReplicationStatus status = replicator.status();
					if (firstFailingSince == null) {
						if (status.failingSince() != null) {
							firstFailingSince = status.failingSince();
							lastErrorSeen = status.lastError();
							failingSeenAfterNanos = System.nanoTime() - stoppedAt;
						}
						else {
							assertThat(System.nanoTime() - stoppedAt).as("time until status says shipping fails")
								.isLessThan(TimeUnit.SECONDS.toNanos(5));
						}
					}
					else {
						assertThat(status.failingSince()).as("failing since, throughout the outage")
							.isEqualTo(firstFailingSince);
						assertThat(status.lastError()).as("the last error, throughout the outage").isNotNull();
						lastErrorSeen = status.lastError();
					}
				}
				long acksAtRestart = writer.acked();
				long payloadDuringOutage = writer.payloadBytes() - payloadAtStop;
				long outageRealNanos = System.nanoTime() - stoppedAt;
				s3.restart();
				long restartedAt = System.nanoTime();
				sampler.outage(false);
				assertThat(firstFailingSince).as("status().failingSince during the outage").isNotNull();
				assertThat(lastErrorSeen).as("status().lastError during the outage").contains(client.describe());
				assertThat(acksAtRenewalDue).as("acknowledged when the claim's renewal fell due").isPositive();
				assertThat(acksAtRestart).as("acknowledged after the renewals began failing, with the claim valid")
					.isGreaterThan(acksAtRenewalDue);

				// Back: once the longest back-off has passed on the clock, the next round ships, and
				// replication catches up by itself while writes go on.
				clock.advance(MAX_BACKOFF);
				long recoveredAfterNanos = -1;
				while (recoveredAfterNanos < 0 && System.nanoTime() - restartedAt < TimeUnit.SECONDS.toNanos(10)) {
					step(clock, STEP);
					writer.assertHealthy();
					ReplicationStatus status = replicator.status();
					if (status.failingSince() == null) {
						recoveredAfterNanos = System.nanoTime() - restartedAt;
						assertThat(status.lastError()).as("the last error once shipping works again").isNull();
					}
				}
				assertThat(recoveredAfterNanos).as("scheduled syncs succeed again within 10 s of the restart")
					.isGreaterThanOrEqualTo(0);
				for (int i = 0; i < 5; i++) {
					step(clock, STEP);
					writer.assertHealthy();
				}
				writer.finish();
				long acknowledged = writer.acked();

				syncUntilItSucceeds(replicator, Duration.ofSeconds(30));
				ReplicationStatus after = replicator.status();
				assertThat(after.failingSince()).as("failing since, after the recovery").isNull();
				assertThat(after.lastError()).as("the last error, after the recovery").isNull();
				assertThat(after.pendingTransactions()).as("nothing left to ship").isZero();
				sampler.finish();

				// A restore holds exactly the acknowledged writes.
				Path restored = this.dir.resolve("restored.db");
				List<Long> backoffs = backoffsMillis(log.records());
				try (S3ReplicaClient reader = s3.client(bucket, PREFIX)) {
					RestoreResult result = new Restorer(reader).restoreLatest(restored).orElseThrow();
					List<String> generations = reader.generations();
					System.out.printf("outage: %d acknowledged (%d before the outage, %d during it, %d after);"
							+ " %.1f MiB of row payload during the outage, %d ms of real time for %d s on the clock;"
							+ " longest commit %d ms; status said failing %d ms after the stop; back-offs %s ms;"
							+ " shipping recovered %d ms after the restart;"
							+ " WAL max %d bytes before the outage, %d during it, %d overall (bound %d + slack %d);"
							+ " %d log restarts seen during the outage; generations %s; restored %s%n",
							acknowledged, acksAtStop, acksAtRestart - acksAtStop, acknowledged - acksAtRestart,
							payloadDuringOutage / 1048576.0, TimeUnit.NANOSECONDS.toMillis(outageRealNanos),
							OUTAGE.toSeconds(), TimeUnit.NANOSECONDS.toMillis(writer.longestCommitNanos()),
							TimeUnit.NANOSECONDS.toMillis(failingSeenAfterNanos), backoffs,
							TimeUnit.NANOSECONDS.toMillis(recoveredAfterNanos), maxWalBeforeOutage,
							sampler.maxDuringOutage(), sampler.max(), MAX_WAL_BYTES, WAL_SLACK,
							sampler.restartsDuringOutage(), generations, result.position());
					assertThat(generations).as("the checkpoint without shipping forced a new generation")
						.hasSizeGreaterThan(1);
					assertThat(result.position().generation()).as("the restore uses the newest generation")
						.isEqualTo(after.position().generation());
				}
				assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
				assertRestoredExactly(restored, acknowledged);

				// Writes were accepted throughout, and the log kept within its bound.
				assertThat(acksAtRestart - acksAtStop).as("writes acknowledged during the outage")
					.isGreaterThan(1000);
				assertThat(writer.longestCommitNanos()).as("the longest commit, in ns")
					.isLessThan(TimeUnit.SECONDS.toNanos(5));
				assertThat(payloadDuringOutage).as("row bytes written during the outage: the bound had to be enforced")
					.isGreaterThan(3 * MAX_WAL_BYTES);
				assertThat(sampler.restartsDuringOutage()).as("the log restarted after checkpoints during the outage")
					.isGreaterThanOrEqualTo(3);
				// The bound holds while the replica is unreachable. Once it is back, the log grows while
				// the new generation's snapshot uploads, as it would without the outage.
				assertThat(sampler.maxDuringOutage()).as("the largest -wal file seen during the outage, every 50 ms")
					.isLessThanOrEqualTo(MAX_WAL_BYTES + WAL_SLACK);
				// The back-off doubled up to its bound during the 60 s, and no further.
				assertThat(backoffs).as("back-offs after failed syncs, in ms")
					.contains(MAX_BACKOFF.toMillis())
					.allMatch((backoff) -> backoff <= MAX_BACKOFF.toMillis());
				List<String> records = log.records();
				assertThat(records).as("logged: checkpointed without shipping")
					.anyMatch((record) -> record.contains("was checkpointed without being shipped"));
				assertThat(records).as("logged: a new generation once the replica was back")
					.anyMatch((record) -> record.contains("Starting replication generation")
							&& record.contains("continuity with the replica was lost"));
			}
			finally {
				writer.stop = true;
				sampler.stop = true;
				replicator.close();
			}
		}
		finally {
			log.close();
			if (!s3.running()) {
				s3.restart();
			}
		}
	}

	/** Wait a {@link #STEP} of real time, then move the clock on by {@code onTheClock}. */
	private static void step(TestClock clock, Duration onTheClock) throws InterruptedException {
		Thread.sleep(STEP.toMillis());
		clock.advance(onTheClock);
	}

	/** The back-offs the replicator logged after failed syncs ("next in N ms"), in order. */
	private static List<Long> backoffsMillis(List<String> records) {
		Pattern next = Pattern.compile("failed \\(attempt \\d+, next in (\\d+) ms\\)");
		List<Long> backoffs = new ArrayList<>();
		for (String record : records) {
			Matcher matcher = next.matcher(record);
			if (matcher.find()) {
				backoffs.add(Long.parseLong(matcher.group(1)));
			}
		}
		return backoffs;
	}

	@Test
	void aKilledPrimarysClaimExpiresAndASecondPrimaryTakesOver() throws Exception {
		String bucket = s3.newBucket();
		Path childDatabase = this.dir.resolve("first.db");
		Path childLog = this.dir.resolve("first.log");
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-cp", System.getProperty("java.class.path"), Primary.class.getName(), childDatabase.toString(),
				s3.endpoint(), bucket, PREFIX, S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY,
				Long.toString(SYNC_INTERVAL.toMillis()), Long.toString(LEASE_TIMEOUT.toMillis()));
		Process child = new ProcessBuilder(command).redirectError(childLog.toFile()).start();
		ChildOutput output = new ChildOutput();
		Thread reader = new Thread(() -> output.readFrom(child), "primary-output");
		reader.setDaemon(true);
		reader.start();
		Path secondDatabase = this.dir.resolve("second.db");
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(SYNC_INTERVAL)
			.withLeaseTimeout(LEASE_TIMEOUT);
		// The second primary's clock: at the real time until the kill, then moved by hand.
		TestClock clock = TestClock.startingNow();
		long restoredFromFirst;
		Replicator second = null;
		KiwiDataSource secondDataSource = null;
		S3ReplicaClient secondClient = s3.client(bucket, PREFIX);
		try {
			// The first primary has shipped (it prints READY after a sync) and goes on writing.
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (!output.ready() || output.acked() < 200) {
				assertThat(child.isAlive()).as("the first primary runs; its log:%n%s", Files.readString(childLog))
					.isTrue();
				assertThat(System.nanoTime()).as("the first primary shipped and wrote 200 rows in 60 s")
					.isLessThan(deadline);
				Thread.sleep(20);
			}
			Thread.sleep(2 * SYNC_INTERVAL.toMillis());

			// A standby restores what the first shipped, and its own primary may not start.
			new Restorer(secondClient).restoreLatest(secondDatabase).orElseThrow();
			restoredFromFirst = countRows(secondDatabase, "id <= 1000000");
			assertThat(restoredFromFirst).as("rows the first primary shipped").isGreaterThan(0);
			secondDataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(secondDatabase.toString()).autoCheckpoint(false).build());
			second = new Replicator(secondDataSource, secondClient, settings, clock);
			assertThatExceptionOfType(ReplicaLeaseHeldException.class).isThrownBy(second::start)
				.satisfies((ex) -> {
					System.out.println("second primary refused: " + ex.getMessage());
					assertThat(ex.replica()).isEqualTo(secondClient.describe());
					assertThat(ex.holder()).as("the holder names the first primary's process")
						.startsWith(child.pid() + "@");
					assertThat(ex.getMessage()).contains(ex.holder()).contains(secondClient.describe());
					assertThat(ex.expiresAt()).isAfter(Instant.now())
						.isBefore(Instant.now().plus(LEASE_TIMEOUT).plusSeconds(1));
				});
			assertThat(child.isAlive()).as("the first primary still runs").isTrue();
		}
		finally {
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		Instant killed = Instant.now();
		reader.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
		try {
			// The claim outlives the first primary until it expires, on the second's clock: refused
			// up to the last millisecond before, taken at the expiry.
			clock.advanceTo(killed);
			Instant expiry = refusedBy(second, child).expiresAt();
			assertThat(expiry).as("the dead primary's claim expires a lease timeout after its last renewal")
				.isAfter(killed)
				.isBeforeOrEqualTo(killed.plus(LEASE_TIMEOUT));
			clock.advanceTo(expiry.minusMillis(1));
			assertThat(refusedBy(second, child).expiresAt()).as("the claim a millisecond before it expires")
				.isEqualTo(expiry);
			clock.advanceTo(expiry);
			second.start();
			Instant claimedAt = clock.instant();
			System.out.printf("killed at %s; the claim expired at %s, %d ms later on the second primary's clock; "
					+ "claimed then%n", killed, expiry, Duration.between(killed, expiry).toMillis());
			assertThat(claimedAt).as("claimed at the claim's expiry").isEqualTo(expiry);
			VersionedObject claim = secondClient.readVersioned(PrimaryLease.PATH);
			assertThat(new String(claim.content(), StandardCharsets.UTF_8)).as("the claim now")
				.contains("holder=" + ProcessHandle.current().pid() + "@");

			// The second primary ships its own writes.
			try (Connection connection = secondDataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
				for (long id = 1_000_001; id <= 1_000_200; id++) {
					insert.setLong(1, id);
					insert.setBytes(2, RowWriter.payload(id));
					insert.executeUpdate();
				}
			}
			second.syncNow();
		}
		finally {
			if (second != null) {
				second.close();
			}
			if (secondDataSource != null) {
				secondDataSource.close();
			}
		}
		Path restored = this.dir.resolve("restored.db");
		try (S3ReplicaClient client = secondClient) {
			new Restorer(client).restoreLatest(restored).orElseThrow();
			assertThat(client.exists(PrimaryLease.PATH)).as("the claim, released by the clean stop").isFalse();
		}
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		assertThat(countRows(restored, "id > 1000000")).as("rows the second primary wrote").isEqualTo(200);
		assertThat(countRows(restored, "id <= 1000000")).as("rows of the first primary the second started from")
			.isEqualTo(restoredFromFirst);
		assertThat(countRows(restored, "id <= " + restoredFromFirst)).as("the first primary's rows 1..n")
			.isEqualTo(restoredFromFirst);
	}

	/** {@code replicator} can't start: the killed {@code holder} holds the claim still. */
	private static ReplicaLeaseHeldException refusedBy(Replicator replicator, Process holder) {
		ReplicaLeaseHeldException refusal = catchThrowableOfType(ReplicaLeaseHeldException.class, replicator::start);
		assertThat(refusal).as("the second primary's start, refused").isNotNull();
		assertThat(refusal.holder()).as("the holder while it lasts").startsWith(holder.pid() + "@");
		return refusal;
	}

	private static void syncUntilItSucceeds(Replicator replicator, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			try {
				replicator.syncNow();
				return;
			}
			catch (ReplicaException ex) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError("syncNow() still fails after " + timeout, ex);
				}
				Thread.sleep(200);
			}
		}
	}

	/** The restored table holds exactly rows 1..acknowledged, each with its payload. */
	private static void assertRestoredExactly(Path restored, long acknowledged) throws SQLException {
		Set<Long> missing = new HashSet<>();
		List<Long> unexpected = new ArrayList<>();
		List<Long> wrongPayload = new ArrayList<>();
		boolean[] seen = new boolean[(int) acknowledged + 1];
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, payload FROM acked ORDER BY id")) {
			while (rows.next()) {
				long id = rows.getLong(1);
				if (id < 1 || id > acknowledged) {
					unexpected.add(id);
					continue;
				}
				seen[(int) id] = true;
				if (!Arrays.equals(rows.getBytes(2), RowWriter.payload(id))) {
					wrongPayload.add(id);
				}
			}
		}
		for (int id = 1; id <= acknowledged; id++) {
			if (!seen[id]) {
				missing.add((long) id);
			}
		}
		assertThat(missing).as("acknowledged ids missing from the restore (of 1..%d)", acknowledged).isEmpty();
		assertThat(unexpected).as("ids in the restore that were never acknowledged").isEmpty();
		assertThat(wrongPayload).as("ids restored with another payload").isEmpty();
	}

	private static long countRows(Path database, String where) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM acked WHERE " + where)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * Commits one row per transaction, ids 1, 2, 3..., with a short pause after each; an id counts
	 * as acknowledged once its commit returned.
	 */
	private static final class RowWriter {

		/** Rows of 1-4 KiB, ~450 a second on a two-core machine: ~1 MiB/s of rows, a few MiB/s of log. */
		private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

		private final KiwiDataSource dataSource;

		private final Thread thread = new Thread(this::run, "acking-writer");

		private final AtomicLong acked = new AtomicLong();

		private final AtomicLong payloadBytes = new AtomicLong();

		private volatile long longestCommitNanos;

		private volatile boolean stop;

		private volatile Throwable failure;

		RowWriter(KiwiDataSource dataSource) {
			this.dataSource = dataSource;
		}

		void start() {
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void run() {
			try {
				for (long id = 1; !this.stop; id++) {
					byte[] payload = payload(id);
					long started = System.nanoTime();
					try (Connection connection = this.dataSource.getConnection();
							PreparedStatement insert = connection
								.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
						insert.setLong(1, id);
						insert.setBytes(2, payload);
						insert.executeUpdate();
					}
					this.longestCommitNanos = Math.max(this.longestCommitNanos, System.nanoTime() - started);
					this.payloadBytes.addAndGet(payload.length);
					this.acked.set(id);
					LockSupport.parkNanos(PAUSE_NANOS);
				}
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
		}

		void assertHealthy() {
			if (this.failure != null) {
				throw new AssertionError("the writer failed after " + this.acked.get() + " acknowledged writes",
						this.failure);
			}
			assertThat(this.thread.isAlive()).as("the writer runs").isTrue();
		}

		void finish() throws InterruptedException {
			this.stop = true;
			this.thread.join(TimeUnit.SECONDS.toMillis(30));
			if (this.failure != null) {
				throw new AssertionError("the writer failed after " + this.acked.get() + " acknowledged writes",
						this.failure);
			}
		}

		long acked() {
			return this.acked.get();
		}

		long payloadBytes() {
			return this.payloadBytes.get();
		}

		long longestCommitNanos() {
			return this.longestCommitNanos;
		}

		/** 1-4 KiB, a function of the id; half random, half one repeated byte, like real rows. */
		static byte[] payload(long id) {
			Random random = new Random(id);
			byte[] payload = new byte[1024 + random.nextInt(3072)];
			for (int i = 0; i < payload.length; i++) {
				payload[i] = (i % 2 == 0) ? (byte) random.nextInt() : (byte) id;
			}
			return payload;
		}

	}

	/**
	 * Every 50 ms, the size of the -wal file and its header's salt-1, which SQLite changes each
	 * time it restarts the log after a checkpoint.
	 */
	private static final class WalSampler {

		private final Path wal;

		private final Thread thread = new Thread(this::run, "wal-sampler");

		private volatile boolean stop;

		private volatile boolean outage;

		private volatile long max;

		private volatile long maxDuringOutage;

		private final Set<Integer> saltsDuringOutage = new HashSet<>();

		private volatile Throwable failure;

		WalSampler(Path wal) {
			this.wal = wal;
		}

		void start() {
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void outage(boolean outage) {
			this.outage = outage;
		}

		private void run() {
			try {
				while (!this.stop) {
					sample();
					Thread.sleep(50);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (Throwable ex) {
				this.failure = ex;
			}
		}

		private void sample() throws IOException {
			long size;
			int salt1 = 0;
			try (FileChannel channel = FileChannel.open(this.wal, StandardOpenOption.READ)) {
				size = channel.size();
				ByteBuffer header = ByteBuffer.allocate(WalHeader.SIZE);
				while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
				}
				if (header.position() == WalHeader.SIZE) {
					salt1 = header.getInt(16);
				}
			}
			catch (NoSuchFileException ex) {
				return;
			}
			this.max = Math.max(this.max, size);
			if (this.outage) {
				this.maxDuringOutage = Math.max(this.maxDuringOutage, size);
				synchronized (this.saltsDuringOutage) {
					this.saltsDuringOutage.add(salt1);
				}
			}
		}

		void finish() throws InterruptedException, IOException {
			this.stop = true;
			this.thread.join(TimeUnit.SECONDS.toMillis(10));
			if (this.failure != null) {
				throw new AssertionError("sampling the log failed", this.failure);
			}
			sample();
		}

		long max() {
			return this.max;
		}

		long maxDuringOutage() {
			return this.maxDuringOutage;
		}

		/** Log restarts seen while the replica was unreachable (salts seen, less the first). */
		int restartsDuringOutage() {
			synchronized (this.saltsDuringOutage) {
				return Math.max(0, this.saltsDuringOutage.size() - 1);
			}
		}

	}

	/** What {@link Primary} printed: READY, then {@code ACK id} for each acknowledged write. */
	private static final class ChildOutput {

		private volatile boolean ready;

		private final AtomicLong acked = new AtomicLong();

		void readFrom(Process child) {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.equals("READY")) {
						this.ready = true;
					}
					else if (line.startsWith("ACK ")) {
						this.acked.set(Long.parseLong(line.substring(4)));
					}
				}
			}
			catch (IOException ex) {
				// The primary died mid-line.
			}
		}

		boolean ready() {
			return this.ready;
		}

		long acked() {
			return this.acked.get();
		}

	}

	/**
	 * A primary in a JVM of its own, to be killed with SIGKILL: replicates to S3 with the claim
	 * timeout given, prints {@code READY} once a sync has shipped, then commits single-row
	 * transactions (ids 1, 2, 3...) printing {@code ACK id} after each, until killed (or after two
	 * minutes). Arguments: database, endpoint, bucket, prefix, access key, secret key, sync
	 * interval in ms, lease timeout in ms.
	 */
	public static final class Primary {

		public static void main(String[] args) throws Exception {
			PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
			Path database = Path.of(args[0]);
			S3Settings s3Settings = new S3Settings(args[1], S3ProxyServer.REGION, args[4], args[5], true);
			ReplicationSettings settings = ReplicationSettings.defaults()
				.withSyncInterval(Duration.ofMillis(Long.parseLong(args[6])))
				.withLeaseTimeout(Duration.ofMillis(Long.parseLong(args[7])));
			KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE acked (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
			}
			Replicator replicator = new Replicator(dataSource, S3ProxyServer.client(s3Settings, args[2], args[3]),
					settings);
			replicator.start();
			replicator.syncNow();
			out.println("READY");
			out.flush();
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
			for (long id = 1; System.nanoTime() < deadline; id++) {
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection
							.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
					insert.setLong(1, id);
					insert.setBytes(2, RowWriter.payload(id));
					insert.executeUpdate();
				}
				out.println("ACK " + id);
				out.flush();
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
			}
			replicator.close();
			dataSource.close();
		}

	}

}
