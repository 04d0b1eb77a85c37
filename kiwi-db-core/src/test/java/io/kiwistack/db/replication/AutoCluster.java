package io.kiwistack.db.replication;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;

import static org.assertj.core.api.Assertions.fail;

/**
 * Nodes in {@code auto} mode in this JVM, each set up as the starter sets one up: its own database
 * file in one directory, its own client of one shared {@code file:} replica, and its own
 * {@link PeerHttpServer} at its advertise URL serving its {@link PeerEndpoint}; its role decided by
 * {@link AutoStart#prepare} before the database opens, and the database opened with the settings
 * of that role. Claims last {@link #LEASE_TIMEOUT}; followers poll every {@link #POLL_INTERVAL}.
 * <p>
 * A node's id (kept beside its file, as {@link NodeIdentity} keeps it) sorts as its name does, so
 * that a test knows which of two equal candidates a tie goes to. A node can be cut off from
 * storage ({@link FaultyReplicaClient}) and its web server stopped: to the other nodes it is then
 * a node that died, while its own threads run on.
 */
final class AutoCluster implements AutoCloseable {

	/**
	 * Short, but not 2 s: a primary renews a third of it after the last renewal and stops
	 * acknowledging commits a sixth before it ends, and on a busy machine whose disk is shared a
	 * renewal's fsync was seen to miss the 1 s that left.
	 */
	static final Duration LEASE_TIMEOUT = Duration.ofSeconds(3);

	static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	static final PeerSecret SECRET = new PeerSecret("the secret the nodes of the auto tests share");

	/** Synced often: the claim is renewed from the sync rounds, a third of the lease timeout apart. */
	private static final ReplicationSettings SHIPPING = ReplicationSettings.defaults()
		.withSyncInterval(Duration.ofMillis(100))
		.withLeaseTimeout(LEASE_TIMEOUT);

	private final Path dir;

	private final Path replica;

	private final List<Node> nodes = new CopyOnWriteArrayList<>();

	AutoCluster(Path dir) {
		this.dir = dir;
		this.replica = dir.resolve("replica");
	}

	/** A client of the replica of the test's own, to read the claim as any node does. */
	ReplicaClient client() {
		return new FileReplicaClient(this.replica);
	}

	/** Start one node: it finds the claim as the nodes started before it left it. */
	Node start(String name) throws Exception {
		return start(name, SECRET);
	}

	/**
	 * Start one node whose peer secret is {@code secret}: with another secret than the others', it
	 * can't stream from a primary (which refuses it) and follows from storage only.
	 */
	Node start(String name, PeerSecret secret) throws Exception {
		Node node = new Node(name, secret);
		node.prepare();
		node.open();
		return node;
	}

	/**
	 * Start the named nodes at once: each decides its role from the claim at the same moment, so
	 * only the conditional write of the claim decides between them.
	 */
	List<Node> startTogether(String... names) throws Exception {
		List<Node> started = new ArrayList<>();
		for (String name : names) {
			started.add(new Node(name, SECRET));
		}
		CyclicBarrier together = new CyclicBarrier(names.length);
		ExecutorService threads = Executors.newFixedThreadPool(names.length);
		try {
			List<Future<Object>> prepared = new ArrayList<>();
			for (Node node : started) {
				prepared.add(threads.submit(() -> {
					together.await();
					node.prepare();
					return null;
				}));
			}
			for (Future<Object> each : prepared) {
				each.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
		for (Node node : started) {
			node.open();
		}
		return started;
	}

	/**
	 * Wait until exactly one of {@code candidates} acknowledges writes, and no other node of the
	 * cluster does; fails at once when two do.
	 */
	Node awaitPrimary(Duration timeout, Node... candidates) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() - deadline < 0) {
			List<Node> primaries = new ArrayList<>();
			for (Node node : this.nodes) {
				if (node.acknowledgesWrites()) {
					primaries.add(node);
				}
			}
			if (primaries.size() > 1) {
				fail("Two nodes acknowledge writes at once: " + primaries);
			}
			if (primaries.size() == 1 && List.of(candidates).contains(primaries.get(0))) {
				return primaries.get(0);
			}
			Thread.sleep(5);
		}
		StringBuilder health = new StringBuilder();
		for (Node node : this.nodes) {
			health.append("\n").append(node).append(": ")
				.append((node.stopped || node.replication == null) ? "not running" : node.replication.health());
		}
		throw new AssertionError("None of " + List.of(candidates) + " took writes within " + timeout + health);
	}

	/** Stop every node still running, the last started first. */
	@Override
	public void close() throws Exception {
		List<Node> running = new ArrayList<>(this.nodes);
		java.util.Collections.reverse(running);
		Exception failed = null;
		for (Node node : running) {
			try {
				node.stop();
			}
			catch (Exception ex) {
				if (failed == null) {
					failed = ex;
				}
				else {
					failed.addSuppressed(ex);
				}
			}
		}
		if (failed != null) {
			throw failed;
		}
	}

	/** The id a node named {@code name} gets: ids sort as names (of up to six ASCII letters) do. */
	static String nodeId(String name) {
		String hex = (HexFormat.of().formatHex(name.getBytes(StandardCharsets.US_ASCII)) + "0".repeat(12)).substring(0,
				12);
		return "00000000-0000-4000-8000-" + hex;
	}

	/** The bodies of the {@code notes} of a database file that no data source has open, in order. */
	static List<String> notesIn(Path database) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
			return notes(connection);
		}
	}

	private static List<String> notes(Connection connection) throws SQLException {
		List<String> notes = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT body FROM notes ORDER BY id")) {
			while (rows.next()) {
				notes.add(rows.getString(1));
			}
		}
		return notes;
	}

	/** One node in auto mode. */
	final class Node {

		final String name;

		final Path file;

		final FaultyReplicaClient client;

		final PeerHttpServer server;

		private final PeerSecret secret;

		AutoStart start;

		KiwiDataSource dataSource;

		AutoReplication replication;

		private PeerEndpoint endpoint;

		private boolean serverClosed;

		private volatile boolean stopped;

		private Node(String name, PeerSecret secret) throws Exception {
			this.name = name;
			this.secret = secret;
			this.file = AutoCluster.this.dir.resolve(name + ".db");
			Path id = NodeIdentity.file(this.file);
			if (!Files.exists(id)) {
				Files.writeString(id, nodeId(name) + "\n", StandardCharsets.US_ASCII);
			}
			this.client = new FaultyReplicaClient(new FileReplicaClient(AutoCluster.this.replica));
			this.server = new PeerHttpServer();
			// Stopped with the cluster from here on, even if it never gets to run.
			AutoCluster.this.nodes.add(this);
		}

		private void prepare() throws Exception {
			this.start = AutoStart.prepare(this.file, this.client, LEASE_TIMEOUT, this.server.url(), false);
		}

		/** Open the database for the role decided, and start replication, as the starter does. */
		private void open() throws Exception {
			KiwiDbSettings base = KiwiDbSettings.builder(this.file.toString()).readers(2).build();
			KiwiDbSettings asPrimary = base.toBuilder()
				.replicaOf(null)
				.autoCheckpoint(false)
				.journalSizeLimit(ReplicationSettings.DEFAULT_CHECKPOINT_THRESHOLD)
				.build();
			KiwiDbSettings asReplica = base.toBuilder().replicaOf("file:" + AutoCluster.this.replica).build();
			Duration maxLag = Duration.ofSeconds(30);
			Duration unhealthyAfter = Duration.ofSeconds(30);
			AutoSettings settings = new AutoSettings(asPrimary, asReplica, SHIPPING, POLL_INTERVAL, maxLag,
					unhealthyAfter, false, new PeerSettings(this.server.url(), this.secret), CommitAck.LOCAL);
			this.dataSource = KiwiDataSource.open(this.start.opensAsPrimary() ? asPrimary : asReplica);
			this.replication = KiwiDbReplicator.auto(this.dataSource, this.client, settings, this.start);
			this.endpoint = new PeerEndpoint(this.replication, this.secret);
			this.server.serve(this.endpoint);
			this.replication.start();
		}

		/** Run one statement on the writer (a follower's data source lends a reader, which refuses writes). */
		void execute(String sql) throws SQLException {
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		}

		/** Commit one note. */
		void insert(String body) throws SQLException {
			try (Connection connection = this.dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (body) VALUES (?)")) {
				insert.setString(1, body);
				insert.executeUpdate();
			}
		}

		/** The bodies of the notes this node serves, in order, read through its reader connections. */
		List<String> notes() throws SQLException {
			DataSource readers = this.dataSource.readOnlyDataSource().orElseThrow();
			try (Connection connection = readers.getConnection()) {
				return AutoCluster.notes(connection);
			}
		}

		/**
		 * Whether this node would acknowledge a commit now: it takes writes (as a primary does, even
		 * one that can't renew its claim) and its write fence is down.
		 */
		boolean acknowledgesWrites() {
			if (this.stopped || this.replication == null || !this.replication.takesWrites()) {
				return false;
			}
			try {
				return this.dataSource.writeFence().refusal() == null;
			}
			catch (IllegalStateException ex) {
				// Between two roles: no writer.
				return false;
			}
		}

		/** What this node holds. */
		Position position() {
			return this.replication.position().orElseThrow(() -> new AssertionError(this + " holds nothing"));
		}

		/** Whether this node gets to what {@code other} holds now within {@code timeout}. */
		boolean awaitPositionOf(Node other, Duration timeout) throws InterruptedException {
			return this.replication.awaitPosition(other.position(), timeout);
		}

		/** This node's id, as the claim names it. */
		String id() {
			return this.replication.node();
		}

		/** Storage refuses every call of this node from now on (a partition, or a node gone). */
		void cutOffFromStorage() {
			this.client.unreachable = true;
		}

		/** Storage answers this node again. */
		void reconnectToStorage() {
			this.client.unreachable = false;
		}

		/**
		 * Cut this node off from the others and from storage: to them it is dead (nothing answers at
		 * its advertise URL, and it neither renews nor releases its claim), while its own threads run
		 * on. Its web server stays stopped even once storage answers it again.
		 */
		void cutOff() {
			closeServer();
			cutOffFromStorage();
		}

		/**
		 * Stop as the starter does: the peer endpoint first (followers waiting in a long poll are
		 * answered at once), then replication (a primary ships everything and releases its claim),
		 * then the database, then the web server.
		 */
		void stop() throws Exception {
			if (this.stopped) {
				return;
			}
			this.stopped = true;
			try {
				if (this.endpoint != null) {
					this.endpoint.stop();
				}
				if (this.replication != null) {
					try {
						this.replication.close();
					}
					catch (ReplicaException ex) {
						if (!this.client.unreachable) {
							throw ex;
						}
						// A dead node can't tell storage it stops; it is stopped only to end its threads.
					}
				}
				if (this.dataSource != null) {
					this.dataSource.close();
				}
			}
			finally {
				closeServer();
			}
		}

		private void closeServer() {
			if (!this.serverClosed) {
				this.serverClosed = true;
				this.server.close();
			}
		}

		@Override
		public String toString() {
			return "node " + this.name;
		}

	}

}
