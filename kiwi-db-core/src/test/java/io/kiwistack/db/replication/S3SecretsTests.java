package io.kiwistack.db.replication;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;

/**
 * The S3 secret key never shows: not in anything logged at any level (kiwi-db's System.Logger, the
 * AWS SDK through SLF4J, the JDK's HTTP client, all into java.util.logging here), not in the
 * message or stack trace of any failure (refused credentials, an unreachable endpoint, a replica
 * held by another primary), not in the descriptions and statuses kiwi-db shows.
 */
class S3SecretsTests {

	private static final String PREFIX = "secret/prefix";

	private static final String WRONG_SECRET = "kiwi-WRONG-secret-do-not-leak-456";

	@RegisterExtension
	static final S3ProxyServer s3 = new S3ProxyServer();

	@TempDir
	Path dir;

	@Test
	void theSecretKeyIsInNoLogFailureOrDescription() throws Exception {
		List<String> shown = new ArrayList<>();
		List<String> failures = new ArrayList<>();
		LogCapture capture = LogCapture.everything();
		try {
			String bucket = s3.newBucket();
			S3Settings settings = s3.settings();
			shown.add(settings.toString());
			shown.add(new S3Settings(s3.endpoint(), null, S3ProxyServer.ACCESS_KEY, WRONG_SECRET, false).toString());

			// A primary that works, then a second one that is refused.
			KiwiDataSource dataSource = openKiwi(this.dir.resolve("app.db"));
			PrimaryReplication replicator = KiwiDbReplicator.primary(dataSource, s3.client(bucket, PREFIX),
					ReplicationSettings.defaults().withSyncInterval(Duration.ofMillis(100)), Duration.ofMillis(200));
			replicator.start();
			insert(dataSource);
			replicator.syncNow();
			shown.add(replicator.status().toString());
			try (KiwiDataSource other = openKiwi(this.dir.resolve("other.db"));
					S3ReplicaClient otherClient = s3.client(bucket, PREFIX)) {
				failures.add(failure(() -> new Replicator(other, otherClient, ReplicationSettings.defaults()).start()));
			}

			// The server's key changes: every request of the primary now fails, while it runs.
			s3.requireSecret("server-side-rotated-secret");
			insert(dataSource);
			failures.add(failure(replicator::syncNow));
			awaitLogged(capture, "Replication to s3://" + bucket);
			long unhealthyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (replicator.isHealthy()) {
				assertThat(System.nanoTime()).as("unhealthy while refused").isLessThan(unhealthyBy);
				Thread.sleep(20);
			}
			shown.add(replicator.status().toString());
			assertThat(replicator.status().lastError()).contains("403");

			// The client exactly as applications get it, refused.
			try (S3ReplicaClient client = S3ReplicaClient.create(bucket, PREFIX, settings)) {
				shown.add(client.describe());
				shown.add(client.toString());
				failures.add(failure(client::generations));
				failures.add(failure(() -> client.open("generations/0123456789abcdef/snapshots/00000000.snapshot.lz4")));
				failures.add(failure(() -> client.write("kiwi/object", new byte[] { 1 })));
				failures.add(failure(() -> client.createIfAbsent("kiwi/claim", new byte[] { 1 })));
				failures.add(failure(() -> new Restorer(client).restoreLatest(this.dir.resolve("restored.db"))));
			}
			try (ReplicaClient client = ReplicaUrl.open("s3://" + bucket + "/" + PREFIX, settings)) {
				shown.add(client.describe());
				failures.add(failure(client::generations));
			}
			// Wrong credentials, the other way round.
			s3.requireSecret(S3ProxyServer.SECRET_KEY);
			try (S3ReplicaClient client = S3ReplicaClient.create(bucket, PREFIX,
					new S3Settings(s3.endpoint(), S3ProxyServer.REGION, S3ProxyServer.ACCESS_KEY, WRONG_SECRET, true))) {
				failures.add(failure(client::generations));
			}
			// Nobody listening.
			S3Settings nowhere = new S3Settings("http://127.0.0.1:" + closedPort(), S3ProxyServer.REGION,
					S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY, true);
			shown.add(nowhere.toString());
			try (S3ReplicaClient client = S3ReplicaClient.create(bucket, PREFIX, nowhere)) {
				failures.add(failure(client::generations));
			}

			// Stopped while refused: the final sync's failure is logged.
			s3.requireSecret("server-side-rotated-secret");
			replicator.close();
			dataSource.close();
		}
		finally {
			s3.requireSecret(S3ProxyServer.SECRET_KEY);
			capture.close();
		}
		List<String> logged = capture.records();

		assertThat(failures).hasSize(10).allSatisfy((failure) -> assertThat(failure).isNotBlank());
		assertThat(String.join("\n", failures)).as("the failures are the refusals and the refused claim")
			.contains("403", "ReplicaLeaseHeldException", "Connection refused");
		assertThat(logged).as("kiwi-db's log").anyMatch((record) -> record.startsWith("io.kiwistack.db.replication"));
		assertThat(logged).as("the AWS SDK's debug log").anyMatch((record) -> record.startsWith("software.amazon.awssdk"));
		assertThat(logged).as("a failed sync, logged").anyMatch((record) -> record.contains("WARNING")
				&& record.contains("Replication to s3://"));
		for (String secret : List.of(S3ProxyServer.SECRET_KEY, WRONG_SECRET)) {
			assertThat(containing(shown, secret)).as("descriptions and statuses with the secret").isEmpty();
			assertThat(containing(failures, secret)).as("failure messages and stack traces with the secret").isEmpty();
			assertThat(containing(logged, secret)).as("log records with the secret, of %d", logged.size()).isEmpty();
		}
	}

	private static List<String> containing(List<String> texts, String secret) {
		return texts.stream().filter((text) -> text.contains(secret)).toList();
	}

	private static KiwiDataSource openKiwi(Path database) throws SQLException {
		return KiwiDataSource.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
	}

	private static void insert(KiwiDataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)");
			statement.execute("INSERT INTO notes (body) VALUES ('a note')");
		}
	}

	/** What a failing call throws, message and full stack trace with causes. */
	private static String failure(Executable call) {
		try {
			call.execute();
		}
		catch (Throwable ex) {
			StringWriter text = new StringWriter();
			ex.printStackTrace(new PrintWriter(text));
			return ex + "\n" + text;
		}
		throw new AssertionError("expected the call to fail");
	}

	private static void awaitLogged(LogCapture capture, String text) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (capture.records().stream().noneMatch((record) -> record.contains(text))) {
			assertThat(System.nanoTime()).as("logged in 20 s: %s", text).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static int closedPort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
