package io.kiwistack.db.replication;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.testsupport.AcknowledgedWrites;
import io.kiwistack.db.testsupport.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;

/**
 * A primary that replicates to S3 is killed (SIGKILL) under write load: what a restore from S3
 * gives afterwards is exactly the first n transactions it acknowledged, and it misses only what
 * was committed in about the last sync interval before the kill. The primary is another JVM
 * ({@link Writer}); the S3 server (S3Proxy) runs in this one and outlives it.
 */
class S3ReplicationCrashTests {

	private static final String PREFIX = "crash/prefix";

	private static final Duration SYNC_INTERVAL = Duration.ofMillis(200);

	/** Generous for a loaded two-core machine; a sync takes a few milliseconds when it is not. */
	private static final Duration SLACK = Duration.ofMillis(1500);

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void aRestoreAfterSigkillHoldsAPrefixOfTheAcknowledgedWrites() throws Exception {
		String bucket = s3.newBucket();
		Path database = this.dir.resolve("primary.db");
		Path log = this.dir.resolve("writer.log");
		Process writer = ChildJvm.of(Writer.class)
			.jvmOptions("-Xmx256m")
			.arguments(database.toString(), s3.endpoint(), bucket, PREFIX, S3ProxyServer.ACCESS_KEY,
					S3ProxyServer.SECRET_KEY, Long.toString(SYNC_INTERVAL.toMillis()))
			.error(log)
			.start()
			.process();
		Acks acks = new Acks();
		Thread reader = new Thread(() -> acks.readFrom(writer), "ack-reader");
		reader.setDaemon(true);
		reader.start();
		long killedAt;
		try {
			acks.awaitReady(writer, log, Duration.ofSeconds(60));
			long writing = System.nanoTime();
			while (System.nanoTime() - writing < TimeUnit.MILLISECONDS.toNanos(3000) || acks.count() < 500) {
				assertThat(writer.isAlive()).as("the writer runs; its log:%n%s", Files.readString(log)).isTrue();
				assertThat(System.nanoTime() - writing).as("time to 500 acknowledged writes")
					.isLessThan(TimeUnit.SECONDS.toNanos(30));
				Thread.sleep(20);
			}
			killedAt = System.nanoTime();
			writer.destroyForcibly();
		}
		finally {
			writer.destroyForcibly();
			assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}
		reader.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

		long acknowledged = acks.count();
		long mustHave = acks.lastAcknowledgedBefore(killedAt - SYNC_INTERVAL.plus(SLACK).toNanos());
		assertThat(mustHave).as("writes acknowledged well before the kill").isGreaterThan(100);

		Path restored = this.dir.resolve("restored.db");
		try (S3ReplicaClient client = s3.client(bucket, PREFIX)) {
			new Restorer(client).restoreLatest(restored).orElseThrow();
			long indices = client.walSegments(client.generations().get(0))
				.stream()
				.mapToLong(WalSegmentInfo::index)
				.distinct()
				.count();
			assertThat(indices).as("log indices: checkpoints ran under the load").isGreaterThan(1);
		}
		assertThat(DatabaseDump.integrity(restored)).isEqualTo("ok");
		long count;
		long min;
		long max;
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*), min(id), max(id) FROM acked")) {
			result.next();
			count = result.getLong(1);
			min = result.getLong(2);
			max = result.getLong(3);
		}
		String lost = "restored 1.." + max + " of " + acknowledged + " acknowledged; the first missing one was acknowledged "
				+ ((max < acknowledged) ? TimeUnit.NANOSECONDS.toMillis(killedAt - acks.acknowledgedAt(max + 1)) + " ms" : "never")
				+ " before the kill";
		System.out.println(lost);
		assertThat(count).as("no gap: " + lost).isEqualTo(max);
		assertThat(min).as(lost).isEqualTo(1);
		assertThat(max).as("nothing unacknowledged: " + lost).isLessThanOrEqualTo(acknowledged);
		assertThat(max).as("everything acknowledged over %d ms before the kill: %s",
				SYNC_INTERVAL.plus(SLACK).toMillis(), lost).isGreaterThanOrEqualTo(mustHave);
	}

	/** The acknowledgements the writer printed, with when this JVM read each. */
	private static final class Acks {

		private final AcknowledgedWrites<Void> writes = new AcknowledgedWrites<>();

		private volatile boolean ready;

		void readFrom(Process writer) {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.equals("READY")) {
						this.ready = true;
					}
					else if (line.startsWith("ACK ")) {
						long id = Long.parseLong(line.substring(4));
						if (id != this.writes.count() + 1) {
							throw new IllegalStateException("acknowledged " + id + " after " + this.writes.count());
						}
						this.writes.acknowledge(id, null);
					}
				}
			}
			catch (java.io.IOException ex) {
				// The writer died mid-line.
			}
		}

		void awaitReady(Process writer, Path log, Duration timeout) throws Exception {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (!this.ready) {
				assertThat(writer.isAlive()).as("the writer runs; its log:%n%s", Files.readString(log)).isTrue();
				assertThat(System.nanoTime()).as("the writer is ready in %s", timeout).isLessThan(deadline);
				Thread.sleep(20);
			}
		}

		long count() {
			return this.writes.count();
		}

		long acknowledgedAt(long id) {
			return this.writes.acknowledgedAt(id);
		}

		/** The highest id acknowledged at or before {@code nanoTime}, 0 when none. */
		long lastAcknowledgedBefore(long nanoTime) {
			return this.writes.lastAcknowledgedBefore(nanoTime);
		}

	}

	/**
	 * The primary: replicates to S3 and commits one row per transaction, ids 1, 2, 3..., printing
	 * {@code ACK id} once each commit returned, until it is killed (or after a minute).
	 * Arguments: database, endpoint, bucket, prefix, access key, secret key, sync interval in ms.
	 */
	public static final class Writer {

		public static void main(String[] args) throws Exception {
			PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
					StandardCharsets.UTF_8);
			Path database = Path.of(args[0]);
			S3Settings settings = new S3Settings(args[1], S3ProxyServer.REGION, args[4], args[5], true);
			ReplicationSettings replication = ReplicationSettings.defaults()
				.withSyncInterval(Duration.ofMillis(Long.parseLong(args[6])))
				.withCheckpointThresholdBytes(128 * 1024);
			KiwiDataSource dataSource = KiwiDataSource
				.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
			try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE acked (id INTEGER PRIMARY KEY, body TEXT)");
			}
			Replicator replicator = new Replicator(dataSource, S3ProxyServer.client(settings, args[2], args[3]), replication);
			replicator.start();
			replicator.syncNow();
			out.println("READY");
			out.flush();
			Random random = new Random(7);
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
			for (long id = 1; System.nanoTime() < deadline; id++) {
				try (Connection connection = dataSource.getConnection();
						PreparedStatement insert = connection.prepareStatement("INSERT INTO acked (id, body) VALUES (?, ?)")) {
					insert.setLong(1, id);
					insert.setString(2, "row " + id + " " + "w".repeat(random.nextInt(600)));
					insert.executeUpdate();
				}
				out.println("ACK " + id);
				out.flush();
				if (id % 25 == 0) {
					// A busy service, not a benchmark: leave the CPU to the replicator now and then.
					Thread.sleep(1);
				}
			}
			replicator.close();
			dataSource.close();
		}

	}

}
