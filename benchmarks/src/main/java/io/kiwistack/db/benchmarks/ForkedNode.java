package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A node of the failover run in a JVM of its own: {@link ClusterNodeMain}, forked with this JVM's
 * {@code java} and class path, on its own database file and loopback port, its standard output
 * and error appended to {@code <name>.log} beside the file. It can be killed the hard way
 * ({@link Process#destroyForcibly()} is {@code SIGKILL} on Linux: no shutdown hook, no handover
 * of the claim) and started again on the same file and port, as a crashed service instance is.
 * Closing it kills what still runs.
 */
final class ForkedNode implements AutoCloseable {

	/** How long a node may take to answer after its JVM forked, on a loaded 2-core machine. */
	static final Duration START_WITHIN = Duration.ofSeconds(120);

	private static final int LOG_TAIL_LINES = 40;

	private final String name;

	private final String url;

	private final Path log;

	private final List<String> command;

	private final String secret;

	private Process process;

	private ForkedNode(String name, String url, Path log, List<String> command, String secret) {
		this.name = name;
		this.url = url;
		this.log = log;
		this.command = command;
		this.secret = secret;
	}

	/**
	 * A node named {@code name} on {@code <directory>/<name>.db} at a free loopback port, not started
	 * yet: {@code properties} are given to it as command-line properties, the port's and the
	 * advertise URL's added.
	 */
	static ForkedNode create(TempDatabaseDirectory directory, String name, String secret, Map<String, String> properties) {
		int port = freePort();
		String url = "http://127.0.0.1:" + port;
		List<String> command = new ArrayList<>();
		command.add(javaCommand());
		// Small heaps, the serial collector and the client compiler only: three JVMs and the report's
		// share two cores, and each round waits for a restarted node's whole start, while C2's compiles
		// would compete for them. What a round measures is mostly waiting, for the lease to expire.
		command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
		// System properties given to the report reach its nodes, as they reach the JMH forks.
		ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.filter((argument) -> argument.startsWith("-D"))
			.forEach(command::add);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName()));
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		command.add("--server.port=" + port);
		command.add("--kiwi.db.path=" + directory.resolve(name + ".db"));
		command.add("--kiwi.db.replication.advertise-url=" + url);
		return new ForkedNode(name, url, directory.resolve(name + ".log"), command, secret);
	}

	/** Fork the JVM, on the same file and port as before when it ran already. */
	void start() throws IOException {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " runs already");
		}
		ProcessBuilder builder = new ProcessBuilder(this.command);
		// Not on the command line, which any user of the machine reads with ps.
		builder.environment().put("KIWI_DB_REPLICATION_PEERSECRET", this.secret);
		// A file, not a pipe: nothing to drain, and every line written before a kill is kept.
		builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		// Standard input stays a pipe: ClusterNodeMain halts when this JVM's end of it closes.
		this.process = builder.start();
	}

	/** Wait until the node answers for its replication, or fail with its log when it died or took too long. */
	void awaitAnswering(HttpClient http) throws InterruptedException {
		long deadline = System.nanoTime() + START_WITHIN.toNanos();
		while (replication(http) == null) {
			if (!this.process.isAlive()) {
				throw failure("exited with status " + this.process.exitValue() + " before it answered");
			}
			if (System.nanoTime() - deadline > 0) {
				throw failure("did not answer within " + START_WITHIN);
			}
			Thread.sleep(100);
		}
	}

	/** Where the node's replication stands, {@code null} when it does not answer. */
	Replication replication(HttpClient http) throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.url + NodeReplicationController.PATH))
			.timeout(Duration.ofSeconds(2))
			.GET()
			.build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return null;
			}
			JsonNode body = JsonMapper.shared().readTree(response.body());
			return new Replication(body.path("state").asString(""), body.path("details").path("role").asString(""),
					response.body());
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** {@code SIGKILL}, and wait until the JVM is gone. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			throw failure("was still running 10 s after SIGKILL");
		}
	}

	boolean alive() {
		return this.process != null && this.process.isAlive();
	}

	String name() {
		return this.name;
	}

	String url() {
		return this.url;
	}

	/** A failure naming this node, with the end of its log. */
	IllegalStateException failure(String what) {
		return new IllegalStateException("The failover run's " + this.name + " at " + this.url + " " + what
				+ "; the end of its log " + this.log + ":\n" + logTail());
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	/** Kill the JVM if it still runs. */
	@Override
	public void close() throws InterruptedException {
		if (alive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** The report's own {@code java}, so that the node runs on the same JDK. */
	private static String javaCommand() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/** A loopback port free now; the node binds it a moment later, and again at each restart. */
	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What a node said of its replication.
	 * @param state {@code UP}, {@code DEGRADED} or {@code DOWN} (down while a role changes)
	 * @param role {@code primary} or {@code replica}
	 * @param body the whole answer, for a failure message
	 */
	record Replication(String state, String role, String body) {

		boolean is(String role) {
			return this.role.equals(role) && this.state.equals("UP");
		}

	}

}
