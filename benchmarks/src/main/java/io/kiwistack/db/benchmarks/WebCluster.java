package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReadReplication;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A service's cluster in the report's JVM: a primary and read replicas of {@link ClusterApplication},
 * each its own Spring Boot context on Tomcat at a free loopback port, sharing a directory replica
 * and a peer secret in a fresh temporary directory, as separate instances of one service would.
 * Each node advertises its own URL; the replicas find the primary's in its claim and stream from
 * it. Closed replicas first.
 */
final class WebCluster implements AutoCloseable {

	/** How long a new replica may take to restore and start streaming. */
	private static final Duration STREAMING_WITHIN = Duration.ofSeconds(30);

	private static final String JPA_AUTO_CONFIGURATION = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration";

	private final TempDatabaseDirectory directory;

	private final String secret;

	private final Node primary;

	private final List<Node> replicas = new ArrayList<>();

	private WebCluster(TempDatabaseDirectory directory, String secret, Node primary) {
		this.directory = directory;
		this.secret = secret;
		this.primary = primary;
	}

	/**
	 * Start the primary, create the item table, warm its write path up with {@code warmupRows}
	 * commits and ship them all, so that replicas restore with the table in them.
	 */
	static WebCluster start(String name, int warmupRows) {
		return start(name, warmupRows, Map.of());
	}

	/** As {@link #start(String, int)}, the primary started with {@code primaryProperties} as well. */
	static WebCluster start(String name, int warmupRows, Map<String, Object> primaryProperties) {
		TempDatabaseDirectory directory = TempDatabaseDirectory.create("cluster-" + name);
		// Random per run: a secret is never a constant in code, even a benchmark's.
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		String secret = Base64.getEncoder().encodeToString(bytes);
		Node primary = null;
		try {
			primary = Node.start(directory, secret, "primary", "primary", primaryProperties);
			WebCluster cluster = new WebCluster(directory, secret, primary);
			primary.store().createAndFill(RawSqlite.CREATE_TABLE, 0);
			for (int i = 0; i < warmupRows; i++) {
				primary.store().insert("warmup", i);
			}
			cluster.primaryReplication().syncNow();
			return cluster;
		}
		catch (RuntimeException ex) {
			if (primary != null) {
				primary.context().close();
			}
			directory.close();
			throw ex;
		}
	}

	/** Start one more read replica, and wait until it streams from the primary. */
	Node addReplica() {
		Node replica = Node.start(this.directory, this.secret, "replica-" + (this.replicas.size() + 1), "replica",
				Map.of());
		this.replicas.add(replica);
		ReadReplication follower = replica.readReplication();
		long deadline = System.nanoTime() + STREAMING_WITHIN.toNanos();
		while (!follower.streaming()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The read replica " + replica.url() + " did not stream from the primary within "
						+ STREAMING_WITHIN + ": " + follower.health().details());
			}
			sleep(5);
		}
		return replica;
	}

	/** Stop the read replicas; the primary goes on alone. */
	void closeReplicas() {
		for (int i = this.replicas.size() - 1; i >= 0; i--) {
			this.replicas.remove(i).context().close();
		}
	}

	Node primary() {
		return this.primary;
	}

	PrimaryReplication primaryReplication() {
		return this.primary.context().getBean(PrimaryReplication.class);
	}

	List<Node> replicas() {
		return this.replicas;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public void close() {
		try {
			closeReplicas();
			this.primary.context().close();
		}
		finally {
			this.directory.close();
		}
	}

	/** One node: its context and the base URL it serves (and advertises) at. */
	record Node(String name, ConfigurableApplicationContext context, String url) {

		static Node start(TempDatabaseDirectory directory, String secret, String name, String mode,
				Map<String, Object> more) {
			int port = freePort();
			String url = "http://127.0.0.1:" + port;
			Map<String, Object> properties = new LinkedHashMap<>();
			properties.put("spring.application.name", "kiwi-db-benchmarks-cluster");
			properties.put("logging.level.root", "WARN");
			// Tomcat warns at each stop of the HttpClients' threads, which are kiwi-db's and the JDK's to end.
			properties.put("logging.level.org.apache.catalina.loader.WebappClassLoaderBase", "ERROR");
			properties.put("spring.flyway.enabled", "false");
			properties.put("spring.autoconfigure.exclude", JPA_AUTO_CONFIGURATION);
			properties.put("server.address", "127.0.0.1");
			properties.put("server.port", port);
			properties.put("kiwi.db.path", directory.resolve(name + ".db").toString());
			properties.put("kiwi.db.replication.enabled", "true");
			properties.put("kiwi.db.replication.url", "file:" + directory.resolve("replica"));
			properties.put("kiwi.db.replication.mode", mode);
			properties.put("kiwi.db.replication.advertise-url", url);
			properties.put("kiwi.db.replication.peer-secret", secret);
			properties.putAll(more);
			ConfigurableApplicationContext context = new SpringApplicationBuilder(ClusterApplication.class)
				.web(WebApplicationType.SERVLET)
				.bannerMode(Banner.Mode.OFF)
				.logStartupInfo(false)
				.registerShutdownHook(false)
				.properties(properties)
				.run();
			return new Node(name, context, url);
		}

		ItemStore store() {
			return this.context.getBean(ItemStore.class);
		}

		JdbcClient jdbc() {
			return this.context.getBean(JdbcClient.class);
		}

		int port() {
			return Integer.parseInt(this.url.substring(this.url.lastIndexOf(':') + 1));
		}

		ReadReplication readReplication() {
			return this.context.getBean(ReadReplication.class);
		}

		/** A loopback port free now; the node binds it a moment later, and advertises it before. */
		private static int freePort() {
			try (ServerSocket socket = new ServerSocket(0)) {
				return socket.getLocalPort();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
