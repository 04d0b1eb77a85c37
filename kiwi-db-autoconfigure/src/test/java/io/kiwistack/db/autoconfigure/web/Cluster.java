package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.kiwistack.db.replication.PrimaryReplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary and a read replica of {@link NoteService} on loopback ports, sharing a replica
 * directory and a peer secret; closed in reverse order.
 */
final class Cluster implements AutoCloseable {

	static final String SECRET = "cluster-test-peer-secret-0123456789";

	final int primaryPort;

	final int replicaPort;

	ConfigurableApplicationContext primary;

	ConfigurableApplicationContext replica;

	final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private Cluster(int primaryPort, int replicaPort) {
		this.primaryPort = primaryPort;
		this.replicaPort = replicaPort;
	}

	/**
	 * @param sources the service's configuration, {@link NoteService} and anything added to it
	 * @param extra properties both nodes get
	 */
	static Cluster start(Path dir, Class<?>[] sources, String... extra) {
		return start(dir, sources, extra, extra);
	}

	/**
	 * @param primaryExtra properties the primary gets, after the usual ones
	 * @param replicaExtra properties the replica gets, after the usual ones
	 */
	static Cluster start(Path dir, Class<?>[] sources, String[] primaryExtra, String[] replicaExtra) {
		Cluster cluster = new Cluster(freePort(), freePort());
		try {
			String replicaUrl = "file:" + dir.resolve("replica");
			cluster.primary = node(sources, cluster.primaryPort, primaryExtra, "kiwi.db.path=" + dir.resolve("primary.db"),
					"kiwi.db.replication.url=" + replicaUrl, "kiwi.db.replication.mode=primary",
					"kiwi.db.replication.advertise-url=http://127.0.0.1:" + cluster.primaryPort);
			// A read replica starts from what the primary shipped: its first snapshot.
			assertThat(cluster.primary.getBean(PrimaryReplication.class).awaitReplicated(Duration.ofSeconds(30)))
				.isTrue();
			cluster.replica = node(sources, cluster.replicaPort, replicaExtra, "kiwi.db.path=" + dir.resolve("replica.db"),
					"kiwi.db.replication.url=" + replicaUrl, "kiwi.db.replication.mode=replica",
					"kiwi.db.replication.advertise-url=http://127.0.0.1:" + cluster.replicaPort);
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			cluster.close();
			throw ex;
		}
	}

	static ConfigurableApplicationContext node(Class<?>[] sources, int port, String[] extra,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("test.port=" + port, "spring.application.name=notes",
				"kiwi.db.replication.enabled=true", "kiwi.db.replication.peer-secret=" + SECRET,
				"kiwi.db.replication.read-your-writes-timeout=2s"));
		all.addAll(List.of(properties));
		all.addAll(List.of(extra));
		return new SpringApplicationBuilder(sources).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	HttpResponse<String> send(int port, String method, String pathAndQuery, String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	void stopPrimary() {
		if (this.primary != null) {
			this.primary.close();
		}
	}

	@Override
	public void close() {
		if (this.replica != null) {
			this.replica.close();
		}
		stopPrimary();
	}

}
