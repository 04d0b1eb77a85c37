package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Failover time in {@code kiwi.db.replication.mode=auto}: a timed run over {@value #NODES}
 * {@link ForkedNode}s, each a JVM of its own on its own file, sharing a directory replica and a peer
 * secret in a fresh temporary directory, lease timeout {@link #LEASE_TIMEOUT}, sync and poll
 * intervals {@link #SYNC_INTERVAL}. Each round waits until one node is the primary, the others
 * replicas, and a write through every node succeeds; then a {@link FailoverWriter} sends writes
 * through the two others, the primary is killed with {@code SIGKILL}, and the round's time is from
 * just before the kill to the first {@code 2xx} answering a write sent after it, through either
 * survivor (the new primary's own, or one forwarded to it). The killed node is then started again
 * on its own file, and the next round waits until it follows. Nothing hands the claim over: the
 * survivors wait for it to stand still for the lease timeout, as after any crash.
 */
final class Failover {

	static final int NODES = 3;

	static final Duration LEASE_TIMEOUT = Duration.ofSeconds(5);

	static final Duration SYNC_INTERVAL = Duration.ofMillis(200);

	static final Duration POLL_INTERVAL = Duration.ofMillis(200);

	/** What a round measures, as printed. */
	static final String LABEL = "failover time, kill -9 of the primary to the first acknowledged write on a surviving node";

	/** The target: every round within the lease timeout and 5 s for the election and the promotion. */
	static final Duration LIMIT = LEASE_TIMEOUT.plusSeconds(5);

	/** How long a round waits for a write to be acknowledged before it is counted as none. */
	static final Duration GIVE_UP = LEASE_TIMEOUT.plusSeconds(30);

	/** How long the cluster may take to settle: one primary, every other node following. */
	private static final Duration SETTLED_WITHIN = Duration.ofSeconds(60);

	private static final String JPA_AUTO_CONFIGURATION = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration";

	private Failover() {
	}

	static Result run(int rounds, PrintStream progress) throws IOException, InterruptedException {
		TempDatabaseDirectory directory = TempDatabaseDirectory.create("failover");
		List<ForkedNode> nodes = new ArrayList<>();
		// A report stopped by Ctrl-C or SIGTERM runs no finally block: its hooks kill the nodes too.
		Thread cleanup = new Thread(() -> closeAll(nodes, directory), "failover-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		try {
			HttpClient http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(2))
				.build();
			// Random per run: a secret is never a constant in code, even a benchmark's.
			byte[] bytes = new byte[24];
			new SecureRandom().nextBytes(bytes);
			String secret = Base64.getEncoder().encodeToString(bytes);
			Map<String, String> properties = properties(directory);
			for (int i = 1; i <= NODES; i++) {
				nodes.add(ForkedNode.create(directory, "node-" + i, secret, properties));
			}
			// The first alone: it finds no claim, takes it and ships, so the others restore from the replica.
			ForkedNode first = nodes.get(0);
			first.start();
			first.awaitAnswering(http);
			awaitSettled(List.of(first), http);
			awaitWrite(first, http);
			for (ForkedNode node : nodes.subList(1, NODES)) {
				node.start();
			}
			for (ForkedNode node : nodes.subList(1, NODES)) {
				node.awaitAnswering(http);
			}
			List<Round> done = new ArrayList<>();
			for (int number = 1; number <= rounds; number++) {
				Round round = round(number, nodes, http);
				done.add(round);
				progress.println("failover: round " + number + " of " + rounds + ": " + round.describe());
				progress.flush();
			}
			return new Result(done);
		}
		finally {
			closeAll(nodes, directory);
			try {
				Runtime.getRuntime().removeShutdownHook(cleanup);
			}
			catch (IllegalStateException ex) {
				// The JVM is shutting down already: the hook runs, and finds nothing left.
			}
		}
	}

	private static Map<String, String> properties(TempDatabaseDirectory directory) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "kiwi-db-benchmarks-failover");
		properties.put("logging.level.root", "WARN");
		// Elections, promotions and restores, in each node's log.
		properties.put("logging.level.io.kiwistack.db", "INFO");
		properties.put("logging.level.org.apache.catalina.loader.WebappClassLoaderBase", "ERROR");
		properties.put("spring.autoconfigure.exclude", JPA_AUTO_CONFIGURATION);
		// The node that starts as the primary creates the table; the others receive it.
		properties.put("spring.flyway.locations", "classpath:db/items");
		properties.put("server.address", "127.0.0.1");
		properties.put("kiwi.db.replication.enabled", "true");
		properties.put("kiwi.db.replication.url", "file:" + directory.resolve("replica"));
		properties.put("kiwi.db.replication.mode", "auto");
		properties.put("kiwi.db.replication.lease-timeout", LEASE_TIMEOUT.toMillis() + "ms");
		properties.put("kiwi.db.replication.sync-interval", SYNC_INTERVAL.toMillis() + "ms");
		properties.put("kiwi.db.replication.poll-interval", POLL_INTERVAL.toMillis() + "ms");
		return properties;
	}

	private static Round round(int number, List<ForkedNode> nodes, HttpClient http) throws IOException, InterruptedException {
		ForkedNode primary = awaitSettled(nodes, http);
		for (ForkedNode node : nodes) {
			awaitWrite(node, http);
		}
		List<ForkedNode> survivors = nodes.stream().filter((node) -> node != primary).toList();
		Duration failover;
		FailoverWriter.Tally tally;
		try (FailoverWriter writer = FailoverWriter.start(http, survivors.stream().map(ForkedNode::url).toList())) {
			if (!writer.awaitFlowing(survivors.size(), Duration.ofSeconds(10))) {
				throw new IllegalStateException("Round " + number + ": writes through " + names(survivors)
						+ " were not acknowledged before the kill: " + writer.tally());
			}
			writer.measureFrom(System.nanoTime());
			primary.kill();
			failover = writer.awaitFirstAcknowledged(GIVE_UP);
			tally = writer.tally();
		}
		String newPrimary = "none";
		if (failover != null) {
			newPrimary = awaitSettled(survivors, http).name();
		}
		// Back on its own file: it finds another node's claim, keeps its file aside and follows.
		long restartedAt = System.nanoTime();
		primary.start();
		primary.awaitAnswering(http);
		awaitSettled(nodes, http);
		double rejoinMillis = (System.nanoTime() - restartedAt) / 1e6;
		return new Round(number, primary.name(), newPrimary, (failover != null) ? failover.toNanos() / 1e6 : Double.NaN,
				tally, rejoinMillis);
	}

	/**
	 * Wait until exactly one of {@code nodes} is the primary and every other one follows, each UP.
	 * @return the primary
	 */
	private static ForkedNode awaitSettled(List<ForkedNode> nodes, HttpClient http) throws InterruptedException {
		long deadline = System.nanoTime() + SETTLED_WITHIN.toNanos();
		while (true) {
			ForkedNode primary = null;
			int primaries = 0;
			int replicas = 0;
			Map<String, String> seen = new LinkedHashMap<>();
			for (ForkedNode node : nodes) {
				ForkedNode.Replication replication = node.replication(http);
				seen.put(node.name(), (replication != null) ? replication.body() : "no answer");
				if (replication != null && replication.is("primary")) {
					primary = node;
					primaries++;
				}
				else if (replication != null && replication.is("replica")) {
					replicas++;
				}
			}
			if (primaries == 1 && replicas == nodes.size() - 1) {
				return primary;
			}
			for (ForkedNode node : nodes) {
				if (!node.alive()) {
					throw node.failure("exited while the cluster settled");
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("The failover run's nodes did not settle on one primary within "
						+ SETTLED_WITHIN + ": " + seen + "\n" + nodes.stream()
							.map((node) -> node.name() + "'s log:\n" + node.logTail())
							.collect(Collectors.joining("\n")));
			}
			Thread.sleep(100);
		}
	}

	/** Wait until a write through {@code node} is acknowledged: it takes writes, or forwards them. */
	private static void awaitWrite(ForkedNode node, HttpClient http) throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(node.url() + ItemController.PATH))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"settled\",\"qty\":0}"))
			.build();
		long deadline = System.nanoTime() + SETTLED_WITHIN.toNanos();
		String last = "nothing yet";
		while (System.nanoTime() - deadline < 0) {
			try {
				HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() / 100 == 2) {
					return;
				}
				last = response.statusCode() + " " + response.body();
			}
			catch (IOException ex) {
				last = ex.toString();
			}
			Thread.sleep(100);
		}
		throw node.failure("acknowledged no write within " + SETTLED_WITHIN + " (last: " + last + ")");
	}

	private static String names(List<ForkedNode> nodes) {
		return nodes.stream().map(ForkedNode::name).collect(Collectors.joining(" and "));
	}

	/** Kill every node still running, then delete the directory: files, logs, replica. */
	private static void closeAll(List<ForkedNode> nodes, TempDatabaseDirectory directory) {
		for (ForkedNode node : List.copyOf(nodes)) {
			try {
				node.close();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				// The others must go all the same.
			}
		}
		directory.close();
	}

	/** The targets' labels, in the order {@link Result#checks()} gives them. */
	static List<String> targetLabels() {
		return List.of("failover time max <= lease timeout + 5 s");
	}

	/**
	 * One round.
	 * @param killed the primary killed
	 * @param newPrimary the survivor that took over, {@code none} when no write was acknowledged
	 * @param millis from the kill to the first acknowledged write, NaN when none within {@link #GIVE_UP}
	 * @param writes what answered the writes sent after the kill
	 * @param rejoinMillis from the killed node's restart to it following, its JVM's start included
	 */
	record Round(int number, String killed, String newPrimary, double millis, FailoverWriter.Tally writes,
			double rejoinMillis) {

		boolean acknowledged() {
			return !Double.isNaN(this.millis);
		}

		String describe() {
			FailoverWriter.Tally w = this.writes;
			String time = acknowledged() ? ReplicationRuns.Result.ms(this.millis)
					: "no write acknowledged within " + ReportOptions.format(GIVE_UP) + "!";
			return String.format(Locale.ROOT,
					"%s killed: %s; %s took over; %d writes sent until then: %s, %d failed%s; %s restarted and "
							+ "followed in %.1f s",
					this.killed, time, this.newPrimary, w.sent(), w.describeRefused(), w.failed(),
					(w.skipped() > 0) ? ", " + w.skipped() + " not sent (" + FailoverWriter.MAX_IN_FLIGHT + " unanswered)"
							: "",
					this.killed, this.rejoinMillis / 1000);
		}

	}

	/** Every round, in order. */
	record Result(List<Round> rounds) {

		/** The acknowledged rounds' times, sorted. */
		private double[] sorted() {
			return this.rounds.stream().filter(Round::acknowledged).mapToDouble(Round::millis).sorted().toArray();
		}

		double p50() {
			return ReplicationRuns.percentile(sorted(), 0.50);
		}

		/** The longest round, NaN when a round acknowledged nothing: it has no time to compare. */
		double max() {
			double[] sorted = sorted();
			return (sorted.length == 0 || sorted.length < this.rounds.size()) ? Double.NaN : sorted[sorted.length - 1];
		}

		boolean met() {
			return !Double.isNaN(max()) && max() <= LIMIT.toMillis();
		}

		/** The times, each round's in order. */
		String times() {
			return this.rounds.stream()
				.map((round) -> round.acknowledged() ? String.format(Locale.ROOT, "%.0f", round.millis()) : "none")
				.collect(Collectors.joining(", ")) + " ms";
		}

		/** Which survivor took over how often. */
		String newPrimaries() {
			Map<String, Long> counts = new TreeMap<>(
					this.rounds.stream().collect(Collectors.groupingBy(Round::newPrimary, Collectors.counting())));
			return counts.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " x " + entry.getValue())
				.collect(Collectors.joining(", "));
		}

		String describe() {
			double[] sorted = sorted();
			return String.format(Locale.ROOT, "%d rounds (%s), min %s; took over: %s", this.rounds.size(), times(),
					ReplicationRuns.Result.ms((sorted.length > 0) ? sorted[0] : Double.NaN), newPrimaries());
		}

		List<TimedTarget> checks() {
			return List.of(new TimedTarget(targetLabels().get(0), ReplicationRuns.Result.ms(max()),
					"<= " + ReplicationRuns.Result.ms(LIMIT.toMillis()), met()));
		}

	}

}
