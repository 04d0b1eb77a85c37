package io.kiwistack.work;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work running in a JVM of its own, forked from the test's JVM with the same class path, so
 * that it can be killed the hard way. Its output goes to a log file for debugging.
 */
final class KiwiWorkProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private KiwiWorkProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
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
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
				System.getProperty("java.class.path"), KiwiWorkApplication.class.getName(), "--server.port=" + port,
				"--server.address=127.0.0.1", "--kiwi.db.path=" + database));
		command.addAll(arguments);
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new KiwiWorkProcess(process, port, log);
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
			if (!this.process.isAlive()) {
				fail("Kiwi Work exited with %d before it was healthy; log %s:%n%s", this.process.exitValue(),
						this.log, logTail());
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
		return fail("Kiwi Work was not healthy within %s (last: %s); log %s:%n%s", timeout, last, this.log,
				logTail());
	}

	/**
	 * Kills the JVM with SIGKILL: no shutdown hooks, no closing of connections.
	 * @return the exit status
	 */
	int kill() throws InterruptedException {
		this.process.destroyForcibly();
		assertThat(this.process.waitFor(10, TimeUnit.SECONDS)).as("killed JVM exited").isTrue();
		return this.process.exitValue();
	}

	/**
	 * Stops the JVM with SIGTERM, letting Spring close the application context.
	 * @return the exit status
	 */
	int stop() throws InterruptedException {
		this.process.destroy();
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("stopped JVM exited, log %s", this.log).isTrue();
		return this.process.exitValue();
	}

	/**
	 * Waits for the JVM to exit by itself, as one whose startup fails does.
	 * @param timeout how long to wait at most
	 * @return the exit status
	 */
	int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			fail("Kiwi Work was still running after %s, where it was expected to exit; log %s:%n%s", timeout,
					this.log, logTail());
		}
		return this.process.exitValue();
	}

	/** The forked JVM's process id. */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Sends a signal to the JVM with {@code kill -<name> <pid>}, for example {@code STOP} or
	 * {@code CONT}.
	 */
	void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).redirectErrorStream(true).start();
		String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s %d finished", name, pid()).isTrue();
		assertThat(kill.exitValue()).as("exit status of kill -%s %d: %s", name, pid(), output).isZero();
	}

	/** Everything the service logged so far. */
	String logText() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 60), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
