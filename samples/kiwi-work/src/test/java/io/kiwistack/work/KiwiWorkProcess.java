package io.kiwistack.work;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
		int port = freePort();
		List<String> all = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--kiwi.db.path=" + database));
		all.addAll(arguments);
		ChildJvm jvm = ChildJvm.of(KiwiWorkApplication.class)
			.jvmOptions("-XX:TieredStopAtLevel=1", "-Xmx256m")
			.arguments(all)
			.log(log)
			.start();
		return new KiwiWorkProcess(jvm, port);
	}

	/**
	 * Waits until the service reports itself healthy.
	 * @param timeout how long to wait at most
	 * @return a client for the service
	 */
	KiwiWorkClient awaitHealthy(Duration timeout) throws InterruptedException {
		KiwiWorkClient client = new KiwiWorkClient(this.port);
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "no answer";
		while (System.nanoTime() < deadline) {
			if (!this.jvm.isAlive()) {
				fail("Kiwi Work exited with %d before it was healthy; log %s:%n%s", this.jvm.process().exitValue(),
						this.jvm.log(), logTail());
			}
			try {
				JsonNode health = client.health();
				if ("UP".equals(health.path("status").asString())) {
					return client;
				}
				last = health.toString();
			}
			catch (IOException | RuntimeException ex) {
				last = ex.toString();
			}
			Thread.sleep(100);
		}
		return fail("Kiwi Work was not healthy within %s (last: %s); log %s:%n%s", timeout, last, this.jvm.log(),
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

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
