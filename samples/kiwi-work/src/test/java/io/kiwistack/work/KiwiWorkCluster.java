package io.kiwistack.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work as a cluster on 127.0.0.1: one primary and replicas, each a JVM of its own
 * ({@link KiwiWorkProcess}) on its own file and port, all sharing one {@code file:} replica
 * directory and one peer secret. Every node advertises its own URL, so that the replicas stream
 * from the primary and forward writes to it. The secret reaches each node through its
 * environment, never its command line. A node can be killed, stopped and started again on the
 * same file and port.
 */
final class KiwiWorkCluster implements AutoCloseable {

	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * {@code kiwi.db.replication.read-your-writes-timeout} of every node: shorter than the
	 * default 5 s, so that a request that waits it out is answered within the test client's 5 s.
	 */
	static final Duration READ_YOUR_WRITES_TIMEOUT = Duration.ofSeconds(3);

	/** The environment variable Spring Boot binds to {@code kiwi.db.replication.peer-secret}. */
	static final String PEER_SECRET_VARIABLE = "KIWI_DB_REPLICATION_PEERSECRET";

	private final Path directory;

	private final Path replica;

	private final Path logs;

	private final String secret = newSecret();

	private final List<Node> nodes = new ArrayList<>();

	private KiwiWorkCluster(Path directory, Path logs) {
		this.directory = directory;
		this.replica = directory.resolve("replica");
		this.logs = logs;
	}

	/**
	 * Starts a primary, waits until it shipped its first snapshot, then starts {@code replicas}
	 * replicas side by side and waits until each is healthy and streams from the primary.
	 * @param directory where the replica directory and each node's database go
	 * @param logs where each node's log goes, as {@code <node>.log}
	 */
	static KiwiWorkCluster start(Path directory, Path logs, int replicas) throws Exception {
		KiwiWorkCluster cluster = new KiwiWorkCluster(directory, logs);
		try {
			Files.createDirectories(cluster.replica);
			Node primary = cluster.add("primary", true);
			primary.start(cluster);
			primary.awaitHealthy();
			cluster.awaitShipped();
			List<Node> followers = new ArrayList<>();
			for (int i = 1; i <= replicas; i++) {
				Node follower = cluster.add("replica-" + i, false);
				follower.start(cluster);
				followers.add(follower);
			}
			for (Node follower : followers) {
				follower.awaitHealthy();
				cluster.awaitStreaming(follower);
			}
			return cluster;
		}
		catch (Exception | Error ex) {
			cluster.close();
			throw ex;
		}
	}

	private Node add(String name, boolean primary) throws IOException {
		Path file = Files.createDirectories(this.directory.resolve(name)).resolve("work.db");
		Node node = new Node(name, primary, file, KiwiWorkProcess.freePort());
		this.nodes.add(node);
		return node;
	}

	/** The primary. */
	Node primary() {
		return this.nodes.get(0);
	}

	/** The replicas, in the order they were started. */
	List<Node> replicas() {
		return this.nodes.subList(1, this.nodes.size());
	}

	/** Every node, the primary first. */
	List<Node> nodes() {
		return List.copyOf(this.nodes);
	}

	/** The replica directory every node shares. */
	Path replica() {
		return this.replica;
	}

	/** The peer secret every node has, to check that it shows nowhere. */
	String secret() {
		return this.secret;
	}

	/** The command-line arguments of a node: its role, the shared replica, its advertised URL, short intervals. */
	List<String> arguments(boolean primary, int port) {
		List<String> arguments = new ArrayList<>(List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=file:" + this.replica.toAbsolutePath(),
				"--kiwi.db.replication.advertise-url=http://127.0.0.1:" + port,
				"--kiwi.db.replication.read-your-writes-timeout=" + READ_YOUR_WRITES_TIMEOUT.toSeconds() + "s"));
		if (primary) {
			arguments.add("--kiwi.db.replication.sync-interval=200ms");
		}
		else {
			arguments.addAll(List.of("--kiwi.db.replication.mode=replica", "--kiwi.db.replication.poll-interval=200ms"));
		}
		return arguments;
	}

	/** Starts one more replica on a file of its own, with another secret than the cluster's. */
	KiwiWorkProcess startReplicaWithSecret(String name, String secret) throws IOException {
		Path file = Files.createDirectories(this.directory.resolve(name)).resolve("work.db");
		int port = KiwiWorkProcess.freePort();
		return KiwiWorkProcess.start(file, this.logs.resolve(name + ".log"), port, arguments(false, port),
				Map.of(PEER_SECRET_VARIABLE, secret));
	}

	/** Waits until the primary has shipped everything it committed, and returns its replication details. */
	JsonNode awaitShipped() throws Exception {
		return awaitReplication(primary(), "shipped everything",
				(replication) -> replication.path("pendingTransactions").asInt(-1) == 0
						&& replication.hasNonNull("generation"),
				Duration.ofSeconds(20));
	}

	/** Waits until {@code node}, a replica, streams from the primary's advertised URL. */
	JsonNode awaitStreaming(Node node) throws Exception {
		String primaryUrl = "http://127.0.0.1:" + primary().port();
		return awaitReplication(node, "streaming from " + primaryUrl,
				(replication) -> "streaming".equals(replication.path("following").asString())
						&& primaryUrl.equals(replication.path("primary").asString()),
				Duration.ofSeconds(20));
	}

	/**
	 * Waits until every replica has applied exactly the position the primary shipped last, once
	 * the primary has shipped everything: no write may be in flight.
	 */
	String awaitReplicasCaughtUp() throws Exception {
		String position = awaitShipped().path("position").asString();
		for (Node node : replicas()) {
			awaitReplication(node, "at the primary's position " + position,
					(replication) -> position.equals(replication.path("position").asString()), Duration.ofSeconds(20));
		}
		return position;
	}

	/** Waits until {@code node}'s {@code kiwiDb} replication details satisfy {@code condition}. */
	static JsonNode awaitReplication(Node node, String what, Predicate<JsonNode> condition, Duration timeout)
			throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		JsonNode replication = replication(node.client());
		while (!condition.test(replication)) {
			if (System.nanoTime() > deadline) {
				fail("%s was not %s within %s; replication details: %s", node.name(), what, timeout, replication);
			}
			Thread.sleep(50);
			replication = replication(node.client());
		}
		return replication;
	}

	/** The {@code kiwiDb} health component's replication details, whatever the status code. */
	static JsonNode replication(KiwiWorkClient client) throws IOException {
		JsonNode health = client.health();
		JsonNode replication = health.path("components").path("kiwiDb").path("details").path("replication");
		assertThat(replication.isObject()).as("kiwiDb replication details in %s", health).isTrue();
		return replication;
	}

	/** Kills every node that still runs. */
	@Override
	public void close() throws InterruptedException {
		for (Node node : this.nodes) {
			node.close();
		}
	}

	private static String newSecret() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** One node of the cluster: its name, role, file and port stay the same across restarts. */
	static final class Node implements AutoCloseable {

		private final String name;

		private final boolean primary;

		private final Path file;

		private final int port;

		private final KiwiWorkClient client;

		private KiwiWorkCluster cluster;

		private KiwiWorkProcess process;

		private int starts;

		private Node(String name, boolean primary, Path file, int port) {
			this.name = name;
			this.primary = primary;
			this.file = file;
			this.port = port;
			this.client = new KiwiWorkClient(port);
		}

		/** Starts the node's JVM on its file and port; its log is {@code <name>.log}, then {@code <name>-2.log}... */
		void start(KiwiWorkCluster cluster) throws IOException {
			assertThat(this.process == null || !this.process.isAlive()).as("%s is not running", this.name).isTrue();
			this.cluster = cluster;
			this.starts++;
			String log = (this.starts == 1) ? this.name + ".log" : this.name + "-" + this.starts + ".log";
			this.process = KiwiWorkProcess.start(this.file, cluster.logs.resolve(log), this.port,
					cluster.arguments(this.primary, this.port), Map.of(PEER_SECRET_VARIABLE, cluster.secret));
		}

		/** Starts the node again, on the same file and port. */
		void restart() throws IOException {
			start(this.cluster);
		}

		void awaitHealthy() throws InterruptedException {
			this.process.awaitHealthy(STARTUP_TIMEOUT);
		}

		String name() {
			return this.name;
		}

		boolean isPrimary() {
			return this.primary;
		}

		Path file() {
			return this.file;
		}

		int port() {
			return this.port;
		}

		KiwiWorkProcess process() {
			return this.process;
		}

		/** A client without cookies. */
		KiwiWorkClient client() {
			return this.client;
		}

		@Override
		public String toString() {
			return this.name + " (" + this.port + ")";
		}

		@Override
		public void close() throws InterruptedException {
			if (this.process != null) {
				this.process.close();
			}
		}

	}

}
