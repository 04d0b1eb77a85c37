package io.kiwistack.db.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code main} class running in a JVM of its own, forked from the test's JVM with the same
 * class path, so that a test can kill it the hard way ({@code SIGKILL}: no shutdown hooks, no
 * closing of files or connections), freeze it ({@code SIGSTOP}) and thaw it ({@code SIGCONT}).
 *
 * <pre>
 * try (ChildJvm child = ChildJvm.of(Writer.class).arguments(database.toString()).log(log).start()) {
 *     ...
 *     assertThat(child.kill()).isEqualTo(ChildJvm.SIGKILL_EXIT_STATUS);
 * }
 * </pre>
 *
 * Closing it kills what still runs, so that no child outlives its test.
 */
public final class ChildJvm implements AutoCloseable {

	/** The exit status of a JVM killed with {@code SIGKILL}. */
	public static final int SIGKILL_EXIT_STATUS = 128 + 9;

	/** The exit status of a JVM that ended on {@code SIGTERM} (shutdown hooks ran). */
	public static final int SIGTERM_EXIT_STATUS = 128 + 15;

	private static final int LOG_TAIL_LINES = 60;

	private final Process process;

	private final Path log;

	private ChildJvm(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/** A child JVM that will run {@code mainClass}, a class on the test's class path. */
	public static Builder of(Class<?> mainClass) {
		return new Builder(mainClass.getName());
	}

	/** The child's process, for its streams or to wait for it. */
	public Process process() {
		return this.process;
	}

	/** The child's process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Whether the child still runs. */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Kills the JVM with {@code SIGKILL} and waits for it to go.
	 * @return the exit status, {@link #SIGKILL_EXIT_STATUS} unless it had ended already
	 */
	public int kill() throws InterruptedException {
		this.process.destroyForcibly();
		assertThat(this.process.waitFor(10, TimeUnit.SECONDS)).as("killed JVM exited").isTrue();
		return this.process.exitValue();
	}

	/**
	 * Stops the JVM with {@code SIGTERM}, letting its shutdown hooks run, and waits up to 30 s for
	 * it to go.
	 * @return the exit status: 0 or {@link #SIGTERM_EXIT_STATUS} for a JVM that stopped cleanly
	 */
	public int terminate() throws InterruptedException {
		this.process.destroy();
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("stopped JVM exited, log %s", this.log).isTrue();
		return this.process.exitValue();
	}

	/**
	 * Freezes the JVM with {@code SIGSTOP}: it holds its files, locks and sockets but runs no code
	 * until {@link #resume()}, as a process the scheduler or a hypervisor left behind.
	 */
	public void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	/** Thaws a JVM {@link #pause() paused} with {@code SIGSTOP}, with {@code SIGCONT}. */
	public void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	/**
	 * Sends a signal to the JVM with {@code kill -<name> <pid>}, failing the test unless
	 * {@code kill} succeeds.
	 * @param name the signal's name without {@code SIG}, such as {@code STOP}, {@code CONT} or
	 * {@code QUIT}
	 */
	public void signal(String name) throws IOException, InterruptedException {
		Command kill = Command.run(Duration.ofSeconds(10), "kill", "-" + name, Long.toString(pid()));
		assertThat(kill.finished()).as("kill -%s %d finished", name, pid()).isTrue();
		assertThat(kill.exitStatus()).as("exit status of kill -%s %d: %s", name, pid(), kill.output()).isZero();
	}

	/** The file the child's output goes to, {@code null} when it was not sent to a {@link Builder#log log}. */
	public Path log() {
		return this.log;
	}

	/** Everything the child wrote to its {@link Builder#log log} so far. */
	public String logText() {
		if (this.log == null) {
			return "(no log)";
		}
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	/** The last 60 lines of the child's {@link Builder#log log}, for a failure message. */
	public String logTail() {
		if (this.log == null) {
			return "(no log)";
		}
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join(System.lineSeparator(),
					lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex + ")";
		}
	}

	/** Kills the JVM with {@code SIGKILL} if it still runs. */
	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** What a child JVM runs and where its output goes; {@link #start()} forks it. */
	public static final class Builder {

		private final String mainClass;

		private final List<String> jvmOptions = new ArrayList<>();

		private final List<String> arguments = new ArrayList<>();

		private final Map<String, String> environment = new LinkedHashMap<>();

		private Path log;

		private Path output;

		private Path error;

		private Builder(String mainClass) {
			this.mainClass = mainClass;
		}

		/** Options for the JVM, such as {@code -Xmx256m}. */
		public Builder jvmOptions(String... options) {
			this.jvmOptions.addAll(List.of(options));
			return this;
		}

		/** Arguments for the main class. */
		public Builder arguments(String... arguments) {
			return arguments(List.of(arguments));
		}

		/** Arguments for the main class. */
		public Builder arguments(List<String> arguments) {
			this.arguments.addAll(arguments);
			return this;
		}

		/**
		 * Sets an environment variable of the child, beside the test's own. A secret goes here
		 * rather than in the {@link #arguments}, which any user of the machine can read with
		 * {@code ps}.
		 */
		public Builder environment(String name, String value) {
			this.environment.put(name, value);
			return this;
		}

		/**
		 * Sends standard output and standard error both to {@code file}, replacing it, creating
		 * its directory when needed; {@link ChildJvm#logText()} reads it.
		 */
		public Builder log(Path file) {
			this.log = file;
			return this;
		}

		/**
		 * Sends standard output to {@code file}, replacing it. A file, not a pipe, keeps every line
		 * the child wrote before it was killed. Without it (and without {@link #log}) the test reads
		 * the output from {@link Process#getInputStream()}.
		 */
		public Builder output(Path file) {
			this.output = file;
			return this;
		}

		/** Sends standard error to {@code file}, replacing it. */
		public Builder error(Path file) {
			this.error = file;
			return this;
		}

		/** Forks the JVM; it runs until its main class ends or the test kills it. */
		public ChildJvm start() throws IOException {
			List<String> command = new ArrayList<>();
			command.add(javaCommand());
			command.addAll(this.jvmOptions);
			command.addAll(List.of("-cp", System.getProperty("java.class.path"), this.mainClass));
			command.addAll(this.arguments);
			ProcessBuilder builder = new ProcessBuilder(command);
			builder.environment().putAll(this.environment);
			if (this.log != null) {
				createParent(this.log);
				builder.redirectErrorStream(true).redirectOutput(this.log.toFile());
			}
			if (this.output != null) {
				createParent(this.output);
				builder.redirectOutput(this.output.toFile());
			}
			if (this.error != null) {
				createParent(this.error);
				builder.redirectError(this.error.toFile());
			}
			return new ChildJvm(builder.start(), this.log);
		}

		/** The test's own {@code java}, so that the child runs on the same JDK. */
		private static String javaCommand() {
			return ProcessHandle.current()
				.info()
				.command()
				.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		}

		private static void createParent(Path file) throws IOException {
			Path parent = file.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
		}

	}

}
