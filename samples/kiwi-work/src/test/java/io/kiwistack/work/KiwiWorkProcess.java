package io.kiwistack.work;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.kiwistack.db.testsupport.ChildJvm;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work running in a JVM of its own ({@link ChildJvm}), forked from the test's JVM with the
 * same class path, so that it can be killed the hard way. Its output goes to a log file for
 * debugging.
 */
final class KiwiWorkProcess implements AutoCloseable {

	private final ChildJvm jvm;

	private final int port;

	private KiwiWorkProcess(ChildJvm jvm, int port) {
		this.jvm = jvm;
		this.port = port;
	}

	static KiwiWorkProcess start(Path database, Path log) throws IOException {
		return start(database, log, List.of());
	}

	/**
	 * Starts Kiwi Work on {@code database} with more command-line arguments, such as
	 * {@code --kiwi.db.replication.enabled=true}.
	 */
	static KiwiWorkProcess start(Path database, Path log, List<String> arguments) throws IOException {
		return start(database, log, freePort(), arguments, Map.of());
	}

	/**
	 * Starts Kiwi Work on {@code database} at a port chosen beforehand (so that the node can
	 * advertise its URL, and come back at it after a restart), with more command-line arguments
	 * and environment variables: where a secret goes, since the command line is visible to all.
	 */
	static KiwiWorkProcess start(Path database, Path log, int port, List<String> arguments,
			Map<String, String> environment) throws IOException {
		List<String> all = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--kiwi.db.path=" + database));
		all.addAll(arguments);
		ChildJvm.Builder builder = ChildJvm.of(KiwiWorkApplication.class)
			.jvmOptions("-XX:TieredStopAtLevel=1", "-Xmx256m")
			.arguments(all)
			.log(log);
		environment.forEach(builder::environment);
		ChildJvm jvm = builder.start();
		return new KiwiWorkProcess(jvm, port);
	}

	/**
	 * Waits until the service reports itself healthy.
	 * @param timeout how long to wait at most
	 * @return a client for the service
	 */
	KiwiWorkClient awaitHealthy(Duration timeout) throws InterruptedException {
		return awaitHealth("healthy", (health) -> "UP".equals(health.path("status").asString()), timeout);
	}

	/**
	 * Waits until the service's health report, whatever its status code, satisfies
	 * {@code condition}: for a node that is expected to start but not to be healthy.
	 * @param what what is awaited, for the failure message
	 * @param timeout how long to wait at most
	 * @return a client for the service
	 */
	KiwiWorkClient awaitHealth(String what, Predicate<JsonNode> condition, Duration timeout)
			throws InterruptedException {
		KiwiWorkClient client = new KiwiWorkClient(this.port);
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "no answer";
		while (System.nanoTime() < deadline) {
			if (!this.jvm.isAlive()) {
				fail("Kiwi Work exited with %d before it was %s; log %s:%n%s", this.jvm.process().exitValue(), what,
						this.jvm.log(), logTail());
			}
			try {
				JsonNode health = client.health();
				if (condition.test(health)) {
					return client;
				}
				last = health.toString();
			}
			catch (IOException | RuntimeException ex) {
				last = ex.toString();
			}
			Thread.sleep(100);
		}
		return fail("Kiwi Work was not %s within %s (last: %s); log %s:%n%s", what, timeout, last, this.jvm.log(),
				logTail());
	}

	/**
	 * Kills the JVM with SIGKILL: no shutdown hooks, no closing of connections.
	 * @return the exit status
	 */
	int kill() throws InterruptedException {
		return this.jvm.kill();
	}

	/**
	 * Stops the JVM with SIGTERM, letting Spring close the application context.
	 * @return the exit status
	 */
	int stop() throws InterruptedException {
		return this.jvm.terminate();
	}

	/**
	 * Waits for the JVM to exit by itself, as one whose startup fails does.
	 * @param timeout how long to wait at most
	 * @return the exit status
	 */
	int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.jvm.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			fail("Kiwi Work was still running after %s, where it was expected to exit; log %s:%n%s", timeout,
					this.jvm.log(), logTail());
		}
		return this.jvm.process().exitValue();
	}

	/** The port it listens on, at 127.0.0.1. */
	int port() {
		return this.port;
	}

	/** Whether the JVM still runs. */
	boolean isAlive() {
		return this.jvm.isAlive();
	}

	/** The forked JVM's process id. */
	long pid() {
		return this.jvm.pid();
	}

	/** Freezes the JVM with SIGSTOP, until {@link #resume()}. */
	void pause() throws IOException, InterruptedException {
		this.jvm.pause();
	}

	/** Thaws the JVM with SIGCONT. */
	void resume() throws IOException, InterruptedException {
		this.jvm.resume();
	}

	/** Everything the service logged so far. */
	String logText() {
		return this.jvm.logText();
	}

	String logTail() {
		return this.jvm.logTail();
	}

	@Override
	public void close() throws InterruptedException {
		this.jvm.close();
	}

	/** A port free on the loopback interface now. */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
