package io.kiwistack.db.replication;

import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Every path under the peer prefix answers only a request signed with the shared secret. */
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

}
