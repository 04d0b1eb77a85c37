package io.kiwistack.db.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end, such as {@code mount}, {@code chattr}, {@code kill} or
 * {@code sqlite3}: its exit status and its output, standard error merged in.
 * <p>
 * The output goes to a temporary file rather than a pipe, so that the timeout holds even for a
 * command that never closes its output, and a command that prints much never blocks on a full
 * pipe while nothing reads it.
 */
public final class Command {

	private final List<String> command;

	private final Duration timeout;

	private final boolean finished;

	private final int exitStatus;

	private final String output;

	private Command(List<String> command, Duration timeout, boolean finished, int exitStatus, String output) {
		this.command = command;
		this.timeout = timeout;
		this.finished = finished;
		this.exitStatus = exitStatus;
		this.output = output;
	}

	/**
	 * Runs {@code command} and waits for it; one still running after {@code timeout} is killed.
	 * @param timeout how long it may take
	 * @param command the program and its arguments
	 * @return what it did
	 * @throws IOException when the program can't be started, such as when it is not installed
	 */
	public static Command run(Duration timeout, String... command) throws IOException, InterruptedException {
		return run(timeout, List.of(command));
	}

	/**
	 * Runs {@code command} and waits for it; one still running after {@code timeout} is killed.
	 * @param timeout how long it may take
	 * @param command the program and its arguments
	 * @return what it did
	 * @throws IOException when the program can't be started, such as when it is not installed
	 */
	public static Command run(Duration timeout, List<String> command) throws IOException, InterruptedException {
		Path output = Files.createTempFile("kiwi-command-", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
			}
			int exitStatus = finished ? process.exitValue() : -1;
			return new Command(List.copyOf(command), timeout, finished, exitStatus,
					Files.readString(output, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/** Whether it ended within the timeout. */
	public boolean finished() {
		return this.finished;
	}

	/** Its exit status, -1 when it did not finish. */
	public int exitStatus() {
		return this.exitStatus;
	}

	/** Whether it ended within the timeout with exit status 0. */
	public boolean succeeded() {
		return this.finished && this.exitStatus == 0;
	}

	/** What it printed on standard output and standard error, as it printed it. */
	public String output() {
		return this.output;
	}

	/**
	 * What went wrong, for a failure message, or {@code null} when it succeeded: such as
	 * {@code 'umount /x' failed with exit status 32: umount: /x: target is busy}.
	 */
	public String failure() {
		if (!this.finished) {
			return "'" + String.join(" ", this.command) + "' did not finish within " + this.timeout.toSeconds() + " s";
		}
		if (this.exitStatus != 0) {
			return "'" + String.join(" ", this.command) + "' failed with exit status " + this.exitStatus + ": "
					+ this.output.trim();
		}
		return null;
	}

	@Override
	public String toString() {
		String failure = failure();
		return (failure != null) ? failure : "'" + String.join(" ", this.command) + "' succeeded";
	}

}
