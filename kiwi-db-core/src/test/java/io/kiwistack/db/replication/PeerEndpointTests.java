package io.kiwistack.db.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every path under the peer prefix answers only a request signed with the shared secret; the log
 * streams each commit as a signed part of its own; acknowledgements count only when signed for
 * their channel.
 */
class PeerEndpointTests {

	private static final PeerSecret SECRET = new PeerSecret("the secret of this replica path");

	@TempDir
	Path dir;

	@Test
	void everyPathUnderThePrefixAnswers401WithoutAValidSignature() throws Exception {
		try (KiwiDataSource primary = KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("p.db").toString()).build());
				PrimaryReplication replication = KiwiDbReplicator.primary(primary,
						new FileReplicaClient(this.dir.resolve("replica")), ReplicationSettings.defaults(),
						Duration.ofMinutes(1), new PeerSettings("http://127.0.0.1:1", SECRET))) {
			PeerEndpoint endpoint = new PeerEndpoint(replication, SECRET);
			PeerSecret other = new PeerSecret("another secret altogether");
			long now = System.currentTimeMillis();
			for (String path : new String[] { "/kiwi-db/", "/kiwi-db/log", "/kiwi-db/x/y" }) {
				assertThat(endpoint.handle("GET", path, null, null).status()).as(path).isEqualTo(401);
				assertThat(endpoint.handle("GET", path, null, other.authorization("GET", path, now)).status()).as(path)
					.isEqualTo(401);
				assertThat(endpoint.handle("GET", path, null, "Bearer x").status()).as(path).isEqualTo(401);
				// Signed for another path, or long ago: a replay.
				assertThat(endpoint.handle("GET", path, null, SECRET.authorization("GET", "/kiwi-db/other", now)).status())
					.as(path).isEqualTo(401);
				assertThat(endpoint
					.handle("GET", path, null, SECRET.authorization("GET", path, now - Duration.ofMinutes(6).toMillis()))
					.status()).as(path).isEqualTo(401);
			}
			PeerResponse unknown = endpoint.handle("GET", "/kiwi-db/x/y", null, SECRET.authorization("GET", "/kiwi-db/x/y", now));
			assertThat(unknown.status()).isEqualTo(404);
			String target = "/kiwi-db/log?from=0123456789abcdef/00000000:00000000&wait=0";
			PeerResponse notShipping = endpoint.handle("GET", "/kiwi-db/log", target.substring(target.indexOf('?') + 1),
					SECRET.authorization("GET", target, now));
			assertThat(notShipping.status()).isEqualTo(409);
			assertThat(new String(notShipping.body(), java.nio.charset.StandardCharsets.UTF_8))
				.doesNotContain("the secret of this replica path");
		}
	}

	@Test
	void theSecretNeverShowsInItsTextAndMustBeLongEnough() {
		assertThat(SECRET.toString()).doesNotContain("secret of");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> new PeerSecret("short"))
			.withMessageNotContaining("short")
			.withMessageContaining("openssl rand");
	}

	@Test
	void theLogStreamsEachLaterCommitAsASignedPartThatBeginsWhereTheOneBeforeEnded() throws Exception {
		try (KiwiDataSource primary = KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("p.db").toString()).build());
				PrimaryReplication replication = startedPrimary(primary)) {
			Position from = replication.position().orElseThrow();
			execute(primary, "INSERT INTO notes (body) VALUES ('before the request')");
			String target = PeerProtocol.LOG_PATH + "?from=" + from + "&wait=1500";
			String authorization = SECRET.authorization("GET", target, System.currentTimeMillis());
			PeerResponse answer = new PeerEndpoint(replication, SECRET).handle("GET", PeerProtocol.LOG_PATH,
					target.substring(target.indexOf('?') + 1), authorization);
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.streamed()).isNotNull();
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			CompletableFuture<Void> streaming = CompletableFuture.runAsync(() -> {
				try {
					answer.streamed().writeTo(body);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			for (int i = 0; i < 3; i++) {
				Thread.sleep(100);
				execute(primary, "INSERT INTO notes (body) VALUES ('while streaming')");
			}
			streaming.get();
			String node = answer.headers().get(PeerProtocol.NODE_HEADER);
			List<StreamPart> parts = new ArrayList<>();
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.toByteArray()));
			for (StreamPart.Signed signed = StreamPart.readFrom(in); signed != null; signed = StreamPart.readFrom(in)) {
				StreamPart part = signed.part();
				assertThat(SECRET.signedResponse(signed.signature(), authorization, node, part.signedFields(parts.size()),
						part.body())).as("part %d signed", parts.size()).isTrue();
				// Not valid in another place of the stream.
				assertThat(SECRET.signedResponse(signed.signature(), authorization, node,
						part.signedFields(parts.size() + 1), part.body())).isFalse();
				parts.add(part);
			}
			// The first commit, one part for each commit made 100 ms apart, and the end of the wait.
			assertThat(parts).hasSizeGreaterThanOrEqualTo(5);
			assertThat(parts.get(0).start()).isEqualTo(from);
			for (int i = 1; i < parts.size() - 1; i++) {
				assertThat(parts.get(i).status()).isEqualTo(200);
				assertThat(parts.get(i).start()).isEqualTo(parts.get(i - 1).next());
				assertThat(parts.get(i).acknowledge()).isFalse();
			}
			StreamPart last = parts.get(parts.size() - 1);
			assertThat(last.status()).isEqualTo(204);
			assertThat(last.end()).isEqualTo(parts.get(parts.size() - 2).next());
			assertThat(last.end()).isEqualTo(replication.liveLog().positionNow(Duration.ofSeconds(1)));
		}
	}

	/**
	 * A follower far behind gets its backlog in parts that each end at a commit within the read
	 * limit, one after the other, and a transaction larger than the limit whole in a part of its own.
	 */
	@Test
	void aBacklogStreamsInPartsCutAtCommitsWithinTheReadLimitAndALargerTransactionWhole() throws Exception {
		// A checkpoint threshold far past the backlog: one log index holds all of it.
		ReplicationSettings settings = ReplicationSettings.defaults()
			.withSyncInterval(Duration.ofHours(1))
			.withCheckpointThresholdBytes(48L * 1024 * 1024);
		try (KiwiDataSource primary = KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve("p.db").toString()).autoCheckpoint(false).build());
				PrimaryReplication replication = startedPrimary(primary, settings)) {
			Position from = replication.position().orElseThrow();
			for (int i = 0; i < 10; i++) {
				execute(primary, "INSERT INTO notes (body) VALUES (randomblob(1000000))");
			}
			int large = LiveLog.READ_LIMIT + 2_000_000;
			execute(primary, "INSERT INTO notes (body) VALUES (randomblob(" + large + "))");
			execute(primary, "INSERT INTO notes (body) VALUES ('after the large one')");
			Position end = replication.liveLog().positionNow(Duration.ofSeconds(1));
			String target = PeerProtocol.LOG_PATH + "?from=" + from + "&wait=300";
			PeerResponse answer = new PeerEndpoint(replication, SECRET).handle("GET", PeerProtocol.LOG_PATH,
					target.substring(target.indexOf('?') + 1), SECRET.authorization("GET", target, System.currentTimeMillis()));
			assertThat(answer.status()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			answer.streamed().writeTo(body);
			List<StreamPart> parts = new ArrayList<>();
			DataInputStream in = new DataInputStream(new ByteArrayInputStream(body.toByteArray()));
			for (StreamPart.Signed signed = StreamPart.readFrom(in); signed != null; signed = StreamPart.readFrom(in)) {
				parts.add(signed.part());
			}
			List<StreamPart> frames = parts.stream().filter((part) -> part.status() == 200).toList();
			assertThat(frames.get(0).start()).isEqualTo(from);
			assertThat(frames.get(frames.size() - 1).next()).isEqualTo(end);
			for (int i = 1; i < frames.size(); i++) {
				assertThat(frames.get(i).start()).as("part %d", i).isEqualTo(frames.get(i - 1).next());
			}
			// Ten 1 MB transactions in parts of at most the limit (three or four of them); then the
			// large one alone, past the limit; then the last small one.
			List<StreamPart> overLimit = frames.stream().filter((part) -> part.body().length > LiveLog.READ_LIMIT).toList();
			assertThat(overLimit).hasSize(1);
			assertThat(overLimit.get(0).body().length).isBetween(large, large + 200_000);
			int before = frames.indexOf(overLimit.get(0));
			assertThat(before).isBetween(3, 4);
			// Each part as many whole transactions as fit, not one transaction a part.
			assertThat(frames.subList(0, before - 1)).allSatisfy((part) -> assertThat(part.body().length)
				.isGreaterThan(LiveLog.READ_LIMIT - 1_100_000));
			assertThat(frames).hasSize(before + 2);
		}
	}

	@Test
	void anAcknowledgementCountsOnlyWhenSignedForItsChannelAndItsPlaceInIt() throws Exception {
		try (KiwiDataSource primary = KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("p.db").toString()).build());
				PrimaryReplication replication = startedPrimary(primary)) {
			FollowerAcknowledgements acknowledgements = replication.liveLog().acknowledgements();
			acknowledgements.start();
			execute(primary, "INSERT INTO notes (body) VALUES ('to acknowledge')");
			Position at = replication.liveLog().positionNow(Duration.ofSeconds(1));
			PeerEndpoint endpoint = new PeerEndpoint(replication, SECRET);
			String authorization = SECRET.authorization("POST", PeerProtocol.ACK_PATH, System.currentTimeMillis());
			String other = SECRET.authorization("POST", PeerProtocol.ACK_PATH, System.currentTimeMillis() - 1000);
			// Signed for another channel, then for another place in this one: refused, nothing counted.
			assertThat(acknowledge(endpoint, authorization, at + " " + SECRET.signAcknowledgement(other, 0, at.toString()))
				.status()).isEqualTo(400);
			assertThat(acknowledge(endpoint, authorization,
					at + " " + SECRET.signAcknowledgement(authorization, 1, at.toString())).status()).isEqualTo(400);
			assertThat(acknowledgements.furthest()).isNull();
			assertThat(endpoint.handle("GET", PeerProtocol.ACK_PATH, null, SECRET.authorization("GET", PeerProtocol.ACK_PATH,
					System.currentTimeMillis())).status()).isEqualTo(405);
			assertThat(acknowledge(endpoint, authorization,
					at + " " + SECRET.signAcknowledgement(authorization, 0, at.toString())).status()).isEqualTo(204);
			assertThat(acknowledgements.furthest()).isEqualTo(at);
		}
	}

	private static PeerResponse acknowledge(PeerEndpoint endpoint, String authorization, String line) throws Exception {
		return endpoint.handle("POST", PeerProtocol.ACK_PATH, null, authorization,
				new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.US_ASCII)));
	}

	private PrimaryReplication startedPrimary(KiwiDataSource primary) throws SQLException {
		return startedPrimary(primary, ReplicationSettings.defaults().withSyncInterval(Duration.ofHours(1)));
	}

	private PrimaryReplication startedPrimary(KiwiDataSource primary, ReplicationSettings settings) throws SQLException {
		PrimaryReplication replication = KiwiDbReplicator.primary(primary, new FileReplicaClient(this.dir.resolve("replica")),
				settings, Duration.ofMinutes(1), new PeerSettings("http://127.0.0.1:1", SECRET));
		replication.start();
		execute(primary, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
		replication.syncNow();
		return replication;
	}

	private static void execute(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
