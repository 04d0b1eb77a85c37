package io.kiwistack.db.autoconfigure.web;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.WriteFence;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.health.KiwiDbHealthIndicator;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.Position;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary and a read replica of a small web service, in this JVM on loopback ports: a write sent
 * to the replica is forwarded to the primary and answered with the primary's answer once the
 * replica has applied it; the position cookie makes any node wait for the client's last write;
 * the peer endpoints answer 401 to anyone without the secret; a replica answers writes 503 within
 * about 2 s once the primary is gone.
 */
class ClusterWebTests {

	@TempDir
	Path dir;

	private Cluster cluster;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	private Cluster cluster() {
		this.cluster = Cluster.start(this.dir, new Class<?>[] { NoteService.class });
		return this.cluster;
	}

	@Test
	void aWriteSentToTheReplicaIsForwardedAndAnsweredAsThePrimaryAnsweredOnceTheReplicaHasIt() throws Exception {
		Cluster cluster = cluster();
		HttpResponse<String> created = cluster.send(cluster.replicaPort, "POST", "/notes?body=first",
				"X-Forwarded-Host", "notes.example");
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).isEqualTo("note 1 by null");
		assertThat(created.headers().firstValue("X-Note-Host")).as("a proxy's X-Forwarded-Host reaches the primary")
			.hasValue("notes.example");
		String position = created.headers().firstValue(PeerProtocol.POSITION_HEADER).orElseThrow();
		Position.parse(position);
		List<String> cookies = created.headers().allValues("Set-Cookie");
		assertThat(cookies).as("the primary's own cookie and the position cookie, both kept")
			.contains("note=1; Path=/", "kiwi-db-position=" + position + "; Path=/; Max-Age=300; HttpOnly");

		// Answered once applied: the replica shows the write at once, even without the cookie.
		assertThat(cluster.send(cluster.replicaPort, "GET", "/notes").body()).isEqualTo("first");
		HttpResponse<String> read = cluster.send(cluster.replicaPort, "GET", "/notes", "Cookie",
				"kiwi-db-position=" + position);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).isEqualTo("first");

		MeterRegistry meters = cluster.replica.getBean(MeterRegistry.class);
		Timer forwarded = meters.find("kiwi.db.forwarded.requests").tags("outcome", "forwarded", "status", "201").timer();
		assertThat(forwarded).isNotNull();
		assertThat(forwarded.count()).isEqualTo(1);
		assertThat(meters.find("kiwi.db.read.your.writes.waits").tags("outcome", "reached").timers())
			.extracting(Timer::count)
			.containsExactly(2L);
	}

	@Test
	void aWriteSentToThePrimaryCarriesItsPositionAndAReadWithoutWritesDoesNot() throws Exception {
		Cluster cluster = cluster();
		HttpResponse<String> created = cluster.send(cluster.primaryPort, "POST", "/notes?body=direct");
		assertThat(created.statusCode()).isEqualTo(201);
		Position position = Position.parse(created.headers().firstValue(PeerProtocol.POSITION_HEADER).orElseThrow());
		assertThat(cluster.primary.getBean(KiwiDbReplicator.class).position()).hasValueSatisfying(
				(end) -> assertThat(end.reaches(position)).isTrue());

		HttpResponse<String> listed = cluster.send(cluster.primaryPort, "GET", "/notes");
		assertThat(listed.body()).isEqualTo("direct");
		assertThat(listed.headers().firstValue(PeerProtocol.POSITION_HEADER)).isEmpty();
		assertThat(listed.headers().allValues("Set-Cookie")).isEmpty();

		// The replica waits for the client's write before it answers the client's read.
		HttpResponse<String> read = cluster.send(cluster.replicaPort, "GET", "/notes", "Cookie",
				"other=1; kiwi-db-position=" + position);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).isEqualTo("direct");
	}

	@Test
	void aWriteThePrimarysFenceRefusesIsAnswered503WithRetryAfterThereAndForwarded() throws Exception {
		Cluster cluster = cluster();
		assertThat(cluster.send(cluster.primaryPort, "POST", "/notes?body=before").statusCode()).isEqualTo(201);
		WriteFence fence = cluster.primary.getBean(KiwiDbDataSource.class).getKiwiDataSource().writeFence();
		fence.depose("This node lost the primary claim to another (in this test)");

		for (int port : new int[] { cluster.primaryPort, cluster.replicaPort }) {
			HttpResponse<String> refused = cluster.send(port, "POST", "/notes?body=refused");
			assertThat(refused.statusCode()).as("sent to %d", port).isEqualTo(503);
			assertThat(refused.headers().firstValue("Retry-After")).as("sent to %d", port).hasValue("1");
			assertThat(refused.body()).as("sent to %d", port)
				.isEqualTo("This node lost the primary claim to another (in this test). Nothing was written; "
						+ "try again shortly.\n");
		}
		assertThat(cluster.send(cluster.replicaPort, "GET", "/notes").body()).isEqualTo("before");
	}

	@Test
	void aPositionTheReplicaDoesNotReachInTimeIsAnswered503AndGarbageIsIgnored() throws Exception {
		Cluster cluster = cluster();
		Position now = cluster.primary.getBean(KiwiDbReplicator.class).position().orElseThrow();
		Position ahead = new Position(now.generation(), now.index(), now.offset() + 1_000_000);
		long start = System.nanoTime();
		HttpResponse<String> read = cluster.send(cluster.replicaPort, "GET", "/notes", "Cookie",
				"kiwi-db-position=" + ahead);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
		assertThat(read.statusCode()).isEqualTo(503);
		assertThat(read.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(read.body()).contains("has not yet applied the client's last write", ahead.toString(),
				"kiwi.db.replication.read-your-writes-timeout");
		assertThat(cluster.replica.getBean(MeterRegistry.class)
			.find("kiwi.db.read.your.writes.waits")
			.tags("outcome", "timeout")
			.timer()
			.count()).isEqualTo(1);

		for (String garbage : List.of("nonsense", "0123/4:5", "%00")) {
			assertThat(cluster.send(cluster.replicaPort, "GET", "/notes", "Cookie", "kiwi-db-position=" + garbage)
				.statusCode()).as(garbage).isEqualTo(200);
		}
	}

	@Test
	void everyPathUnderThePrefixAnswers401WithoutTheSecretOnEitherNode() throws Exception {
		Cluster cluster = cluster();
		for (int port : new int[] { cluster.primaryPort, cluster.replicaPort }) {
			for (String path : List.of("/kiwi-db/", "/kiwi-db/log", "/kiwi-db/log?from=0000000000000000/00000000:00000000",
					"/kiwi-db/anything/else", "/kiwi-db/../kiwi-db/log", "/kiwi-db")) {
				for (String[] authorization : List.of(new String[0], new String[] { "Authorization", "KiwiDb 1:abc" },
						new String[] { "Authorization", "Bearer " + Cluster.SECRET },
						new String[] { "Authorization", "KiwiDb " + System.currentTimeMillis() + ":" + Cluster.SECRET })) {
					for (String method : List.of("GET", "POST")) {
						HttpResponse<String> answer = cluster.send(port, method, path, authorization);
						assertThat(answer.statusCode()).as("%s %s on %d with %s", method, path, port,
								List.of(authorization)).isEqualTo(401);
						assertThat(answer.body()).doesNotContain(Cluster.SECRET);
					}
				}
			}
		}
	}

	@Test
	void theReplicaStreamsFromThePrimaryAndHealthSaysSoOnEachNode() throws Exception {
		Cluster cluster = cluster();
		assertThat(cluster.send(cluster.primaryPort, "POST", "/notes?body=streamed").statusCode()).isEqualTo(201);
		Map<String, Object> replica = awaitReplicationDetail(cluster, "following", "streaming");
		assertThat(replica).containsEntry("role", "replica")
			.containsEntry("primary", "http://127.0.0.1:" + cluster.primaryPort)
			.doesNotContainKey("streamError");
		Map<String, Object> primary = replication(cluster.primary.getBean(KiwiDbHealthIndicator.class));
		assertThat(primary).containsEntry("role", "primary")
			.containsEntry("primary", "http://127.0.0.1:" + cluster.primaryPort);
	}

	@Test
	void withThePrimaryStoppedAWriteToTheReplicaIsAnswered503WithinAboutTwoSeconds() throws Exception {
		Cluster cluster = cluster();
		cluster.stopPrimary();
		long start = System.nanoTime();
		HttpResponse<String> refused = cluster.send(cluster.replicaPort, "POST", "/notes?body=lost");
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
		assertThat(refused.body()).containsAnyOf("can't be reached", "No primary is known")
			.contains("nothing was written");
		assertThat(took).isLessThan(Duration.ofMillis(2500));
		// Reads go on.
		assertThat(cluster.send(cluster.replicaPort, "GET", "/notes").statusCode()).isEqualTo(200);
	}

	@Test
	void aRequestAlreadyForwardedIsNeverForwardedAgain() throws Exception {
		Cluster cluster = cluster();
		HttpResponse<String> looped = cluster.send(cluster.replicaPort, "POST", "/notes?body=loop",
				PeerProtocol.FORWARDED_HEADER, "http://127.0.0.1:1");
		assertThat(looped.statusCode()).isEqualTo(503);
		assertThat(looped.body()).contains("is not the primary of", "either", "forwarded at most once");
		assertThat(cluster.send(cluster.primaryPort, "GET", "/notes").body()).isEmpty();
	}

	@Test
	void anExcludedPathIsNotForwardedAndTheReplicaRefusesTheWriteItself() throws Exception {
		this.cluster = Cluster.start(this.dir, new Class<?>[] { NoteService.class }, new String[0],
				new String[] { "kiwi.db.replication.forward-exclude-paths=/notes/**,/notes" });
		HttpResponse<String> refused = this.cluster.send(this.cluster.replicaPort, "POST", "/notes?body=kept-here");
		assertThat(refused.statusCode()).isEqualTo(500);
		assertThat(this.cluster.send(this.cluster.primaryPort, "GET", "/notes").body()).isEmpty();
		assertThat(this.cluster.replica.getBean(MeterRegistry.class).find("kiwi.db.forwarded.requests").timers())
			.isEmpty();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> replication(KiwiDbHealthIndicator health) {
		return (Map<String, Object>) health.health(true).getDetails().get("replication");
	}

	private static Map<String, Object> awaitReplicationDetail(Cluster cluster, String key, Object value)
			throws InterruptedException {
		KiwiDbHealthIndicator health = cluster.replica.getBean(KiwiDbHealthIndicator.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Map<String, Object> details = replication(health);
		while (!value.equals(details.get(key)) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			details = replication(health);
		}
		assertThat(details).containsEntry(key, value);
		return details;
	}

}
