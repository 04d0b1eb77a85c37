package io.kiwistack.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import io.kiwistack.db.testsupport.ChildJvm;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work as a cluster of candidates on 127.0.0.1 ({@code kiwi.db.replication.mode=auto}): each
 * node a JVM of its own ({@link KiwiWorkProcess}) on its own file and port, all sharing one replica
 * and one peer secret. Whichever node holds the claim ({@code kiwi/primary.lease}) is the primary;
 * the others stream from it and forward writes to it, and take the claim over when it goes. Which
 * node is primary is the cluster's choice: the test finds it by each node's health
 * ({@code role}). A node can be killed ({@code SIGKILL}), stopped ({@code SIGTERM}) and started
 * again on the same file and port.
 * <p>
 * Every node runs with a 5 s lease timeout, a 200 ms sync interval and a 200 ms poll interval.
 */
final class KiwiWorkAutoCluster implements AutoCloseable {

	/** {@code kiwi.db.replication.lease-timeout} of every node. */
	static final Duration LEASE_TIMEOUT = Duration.ofSeconds(5);

	/** {@code kiwi.db.replication.sync-interval} of every node. */
	static final Duration SYNC_INTERVAL = Duration.ofMillis(200);

	/** {@code kiwi.db.replication.poll-interval} of every node. */
	static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	/** {@code kiwi.db.replication.read-your-writes-timeout}: answered within the test client's 5 s. */
	static final Duration READ_YOUR_WRITES_TIMEOUT = Duration.ofSeconds(3);

	/** How long three JVMs starting together on a small machine may take to settle. */
	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	static final String ROLE_PRIMARY = "primary";

	static final String ROLE_REPLICA = "replica";

	/** Flyway's line as it migrates Kiwi Work's schema. */
	static final String FLYWAY_MIGRATING = "Migrating schema \"main\" to version";

	private final Path directory;

	private final Path logs;

	private final String replicaUrl;

	private final List<String> arguments;

	private final Map<String, String> environment;

	private final String secret = newSecret();

	private final List<Node> nodes = new ArrayList<>();

	/**
	 * @param directory where each node's database goes, in a directory of its own
	 * @param logs where each node's log goes, as {@code <node>.log}, {@code <node>-2.log} after a restart...
	 * @param replicaUrl {@code kiwi.db.replication.url} of every node
	 * @param arguments more command-line arguments of every node, such as
	 * {@code --kiwi.db.replication.commit-ack=replica}
	 * @param environment more environment variables of every node (secrets)
	 */
	KiwiWorkAutoCluster(Path directory, Path logs, String replicaUrl, List<String> arguments,
			Map<String, String> environment) {
		this.directory = directory;
		this.logs = logs;
		this.replicaUrl = replicaUrl;
		this.arguments = List.copyOf(arguments);
		this.environment = Map.copyOf(environment);
	}

	/** A cluster on a {@code file:} replica, {@code <directory>/replica}. */
	static KiwiWorkAutoCluster onDirectory(Path directory, Path logs, List<String> arguments) throws IOException {
		Path replica = Files.createDirectories(directory.resolve("replica"));
		return new KiwiWorkAutoCluster(directory, logs, "file:" + replica.toAbsolutePath(), arguments, Map.of());
	}

	/**
	 * Adds a node, not started yet, that advertises its own URL.
	 * @param arguments more command-line arguments of this node only
	 */
	Node add(String name, List<String> arguments) throws IOException {
		int port = KiwiWorkProcess.freePort();
		return add(name, port, "http://127.0.0.1:" + port, arguments);
	}

	/**
	 * Adds a node, not started yet, on {@code port}, advertising {@code advertiseUrl} to the other
	 * nodes (such as a relay's, to cut it off from them).
	 */
	Node add(String name, int port, String advertiseUrl, List<String> arguments) throws IOException {
		Path file = Files.createDirectories(this.directory.resolve(name)).resolve("work.db");
		Node node = new Node(this, name, file, port, advertiseUrl, arguments);
		this.nodes.add(node);
		return node;
	}

	/** Starts every node at once: all of them candidates on the same replica. */
	void startAll() throws IOException {
		for (Node node : this.nodes) {
			node.start();
		}
	}

	/** Every node, in the order they were added. */
	List<Node> nodes() {
		return List.copyOf(this.nodes);
	}

	/** The nodes whose JVM runs (whether it serves yet or not). */
	List<Node> live() {
		return this.nodes.stream().filter(Node::isAlive).toList();
	}

	/** {@code kiwi.db.replication.url} of every node. */
	String replicaUrl() {
		return this.replicaUrl;
	}

	/** The peer secret every node has. */
	String secret() {
		return this.secret;
	}

	/**
	 * Waits until the live nodes agree: exactly one reports role {@code primary}, every other one
	 * reports {@code replica}, names that node's URL as {@code primary} and streams from it.
	 * @return the primary
	 */
	Node awaitPrimary(Duration timeout) throws InterruptedException {
		return awaitPrimary(timeout, live());
	}

	/**
	 * Waits until {@code among}, all live, agree on their primary as {@link #awaitPrimary(Duration)}
	 * does; the other nodes may say what they like (a node cut off, one still starting).
	 * @return the primary
	 */
	Node awaitPrimary(Duration timeout, List<Node> among) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<Node, String> last = new LinkedHashMap<>();
		while (true) {
			Map<Node, JsonNode> details = new HashMap<>();
			for (Node node : among) {
				JsonNode replication = node.replicationOrNull();
				details.put(node, replication);
				last.put(node, (replication != null) ? replication.toString() : "no answer");
			}
			Node primary = agreedPrimary(among, details);
			if (primary != null) {
				return primary;
			}
			if (System.nanoTime() > deadline) {
				return fail("%s did not agree on one primary within %s; their replication details:%n%s%n%s", among,
						timeout, describe(last), logTails());
			}
			Thread.sleep(100);
		}
	}

	private static Node agreedPrimary(List<Node> among, Map<Node, JsonNode> details) {
		List<Node> primaries = among.stream()
			.filter((node) -> details.get(node) != null && ROLE_PRIMARY.equals(details.get(node).path("role").asString()))
			.toList();
		if (primaries.size() != 1) {
			return null;
		}
		Node primary = primaries.get(0);
		for (Node node : among) {
			JsonNode replication = details.get(node);
			if (node != primary && (replication == null
					|| !ROLE_REPLICA.equals(replication.path("role").asString())
					|| !primary.advertiseUrl().equals(replication.path("primary").asString())
					|| !"streaming".equals(replication.path("following").asString()))) {
				return null;
			}
		}
		return primary;
	}

	/**
	 * Waits until no write is in flight anywhere: the primary shipped everything and every other
	 * live node applied exactly the position it shipped last. Call it once the writers stopped.
	 * @return that position
	 */
	String awaitCaughtUp(Node primary, Duration timeout) throws Exception {
		JsonNode shipped = primary.awaitReplication("shipped everything",
				(replication) -> replication.path("pendingTransactions").asInt(-1) == 0
						&& replication.hasNonNull("position"),
				timeout);
		String position = shipped.path("position").asString();
		for (Node node : live()) {
			if (node != primary) {
				node.awaitReplication("at the primary's position " + position,
						(replication) -> position.equals(replication.path("position").asString()), timeout);
			}
		}
		return position;
	}

	/** Each node's last 60 lines of log, for a failure message. */
	String logTails() {
		StringBuilder tails = new StringBuilder();
		for (Node node : this.nodes) {
			tails.append(String.format("%n--- %s, %s, log %s:%n%s%n", node, node.isAlive() ? "running" : "not running",
					node.log(), node.logTail()));
		}
		return tails.toString();
	}

	private static String describe(Map<Node, String> details) {
		StringBuilder text = new StringBuilder();
		details.forEach((node, replication) -> text.append(String.format("  %s: %s%n", node, replication)));
		return text.toString();
	}

	/** Kills every node that still runs. */
	@Override
	public void close() throws InterruptedException {
		for (Node node : this.nodes) {
			node.close();
		}
	}

	private List<String> arguments(Node node) {
		List<String> arguments = new ArrayList<>(List.of("--kiwi.db.replication.enabled=true",
				"--kiwi.db.replication.url=" + this.replicaUrl, "--kiwi.db.replication.mode=auto",
				"--kiwi.db.replication.advertise-url=" + node.advertiseUrl(),
				"--kiwi.db.replication.lease-timeout=" + LEASE_TIMEOUT.toMillis() + "ms",
				"--kiwi.db.replication.sync-interval=" + SYNC_INTERVAL.toMillis() + "ms",
				"--kiwi.db.replication.poll-interval=" + POLL_INTERVAL.toMillis() + "ms",
				"--kiwi.db.replication.read-your-writes-timeout=" + READ_YOUR_WRITES_TIMEOUT.toMillis() + "ms"));
		arguments.addAll(this.arguments);
		arguments.addAll(node.arguments);
		return arguments;
	}

	private Map<String, String> environment() {
		Map<String, String> environment = new HashMap<>(this.environment);
		environment.put(KiwiWorkCluster.PEER_SECRET_VARIABLE, this.secret);
		return environment;
	}

	private static String newSecret() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** One node: its name, file, port and URL stay the same across restarts. */
	static final class Node implements AutoCloseable {

		private final KiwiWorkAutoCluster cluster;

		private final String name;

		private final Path file;

		private final int port;

		private final String advertiseUrl;

		private final List<String> arguments;

		private final KiwiWorkClient client;

		private final List<Path> logs = new ArrayList<>();

		private KiwiWorkProcess process;

		private Node(KiwiWorkAutoCluster cluster, String name, Path file, int port, String advertiseUrl,
				List<String> arguments) {
			this.cluster = cluster;
			this.name = name;
			this.file = file;
			this.port = port;
			this.advertiseUrl = advertiseUrl;
			this.arguments = List.copyOf(arguments);
			this.client = new KiwiWorkClient(port);
		}

		/** Starts the node's JVM on its file and port; it does not wait for it to serve. */
		void start() throws IOException {
			assertThat(this.process == null || !this.process.isAlive()).as("%s is not running", this).isTrue();
			int starts = this.logs.size() + 1;
			Path log = this.cluster.logs.resolve((starts == 1) ? this.name + ".log" : this.name + "-" + starts + ".log");
			this.logs.add(log);
			this.process = KiwiWorkProcess.start(this.file, log, this.port, this.cluster.arguments(this),
					this.cluster.environment());
		}

		/** Kills the JVM with {@code SIGKILL}, and checks that this is how it ended. */
		void kill() throws InterruptedException {
			assertThat(this.process.kill()).as("exit status of %s killed with SIGKILL", this)
				.isEqualTo(ChildJvm.SIGKILL_EXIT_STATUS);
		}

		/** Stops the JVM with {@code SIGTERM} and waits until it ended, cleanly. */
		void stop() throws InterruptedException {
			assertThat(this.process.stop()).as("exit status of %s stopped with SIGTERM, log:%n%s", this, logTail())
				.isIn(0, ChildJvm.SIGTERM_EXIT_STATUS);
		}

		boolean isAlive() {
			return this.process != null && this.process.isAlive();
		}

		/** The {@code kiwiDb} health component's replication details, {@code null} when it does not answer. */
		JsonNode replicationOrNull() {
			if (!isAlive()) {
				return null;
			}
			try {
				JsonNode details = this.client.health()
					.path("components")
					.path("kiwiDb")
					.path("details")
					.path("replication");
				return details.isObject() ? details : null;
			}
			catch (IOException | RuntimeException ex) {
				return null;
			}
		}

		/** The role this node reports, {@code null} when it does not answer. */
		String role() {
			JsonNode replication = replicationOrNull();
			return (replication != null) ? replication.path("role").asString(null) : null;
		}

		/** Waits until the node's replication details satisfy {@code condition}; fails with its log's tail. */
		JsonNode awaitReplication(String what, Predicate<JsonNode> condition, Duration timeout)
				throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			JsonNode replication = replicationOrNull();
			while (replication == null || !condition.test(replication)) {
				if (!isAlive()) {
					fail("%s exited before it was %s; log %s:%n%s", this, what, log(), logTail());
				}
				if (System.nanoTime() > deadline) {
					fail("%s was not %s within %s; replication details: %s; log %s:%n%s", this, what, timeout,
							replication, log(), logTail());
				}
				Thread.sleep(50);
				replication = replicationOrNull();
			}
			return replication;
		}

		/** Waits until the node reports {@code role}. */
		JsonNode awaitRole(String role, Duration timeout) throws InterruptedException {
			return awaitReplication("reporting role " + role,
					(replication) -> role.equals(replication.path("role").asString()), timeout);
		}

		String name() {
			return this.name;
		}

		Path file() {
			return this.file;
		}

		int port() {
			return this.port;
		}

		/** The URL the other nodes reach it at. */
		String advertiseUrl() {
			return this.advertiseUrl;
		}

		/** A client without cookies, straight to its port. */
		KiwiWorkClient client() {
			return this.client;
		}

		/** The current (or last) JVM's log. */
		Path log() {
			return this.logs.isEmpty() ? null : this.logs.get(this.logs.size() - 1);
		}

		/** Everything the current (or last) JVM logged. */
		String logText() {
			return (this.process != null) ? this.process.logText() : "(never started)";
		}

		/** Everything every JVM of this node logged so far, its starts one after the other. */
		String allLogText() throws IOException {
			StringBuilder text = new StringBuilder();
			for (Path log : this.logs) {
				text.append(Files.readString(log, StandardCharsets.UTF_8));
			}
			return text.toString();
		}

		String logTail() {
			return (this.process != null) ? this.process.logTail() : "(never started)";
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return Objects.hashCode(this.name);
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
