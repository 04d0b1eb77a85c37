package io.kiwistack.db.autoconfigure.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.kiwistack.db.autoconfigure.health.KiwiDbHealthIndicator;
import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica given another secret than its primary's refuses to follow the primary's stream and
 * says so in health (it polls the replica in storage meanwhile, so it still catches up), without
 * showing either secret; the primary answers its requests 401.
 */
class WrongPeerSecretTests {

	private static final String WRONG = "not-the-cluster-peer-secret-0123456789";

	@TempDir
	Path dir;

	@Test
	void aReplicaWithAnotherSecretPollsStorageAndSaysWhyInHealth() throws Exception {
		try (LogCapture log = LogCapture.of("io.kiwistack");
				Cluster cluster = Cluster.start(this.dir, new Class<?>[] { NoteService.class }, new String[0],
						new String[] { "kiwi.db.replication.peer-secret=" + WRONG,
								"kiwi.db.replication.poll-interval=200ms" })) {
			assertThat(cluster.send(cluster.primaryPort, "POST", "/notes?body=polled").statusCode()).isEqualTo(201);
			KiwiDbHealthIndicator health = cluster.replica.getBean(KiwiDbHealthIndicator.class);
			Map<String, Object> details = replication(health);
			long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			while ((details.get("streamError") == null || !"polled".equals(notes(cluster)))
					&& System.nanoTime() < deadline) {
				Thread.sleep(100);
				details = replication(health);
			}
			assertThat(details).containsEntry("following", "polling");
			assertThat(String.valueOf(details.get("streamError"))).contains("401");
			assertThat(notes(cluster)).as("caught up from storage").isEqualTo("polled");
			assertThat(details.toString()).doesNotContain(WRONG, Cluster.SECRET);
			assertThat(String.join("\n", log.records())).doesNotContain(WRONG, Cluster.SECRET);
		}
	}

	private static String notes(Cluster cluster) throws Exception {
		return cluster.send(cluster.replicaPort, "GET", "/notes").body();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> replication(KiwiDbHealthIndicator health) {
		return (Map<String, Object>) health.health(true).getDetails().get("replication");
	}

}
