package io.kiwistack.db.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import io.kiwistack.db.testsupport.Command;
import org.junit.jupiter.api.Assumptions;

/**
 * Makes a directory unwritable for this process, also as root.
 */
public final class UnwritableDirectory {

	private UnwritableDirectory() {
	}

	/**
	 * Make {@code directory} unwritable for this process: {@code chattr +i} as root (for whom mode
	 * 0500 changes nothing), mode 0500 otherwise.
	 * @return what undoes it
	 */
	public static Runnable lock(Path directory) throws Exception {
		boolean root = Integer.valueOf(0).equals(Files.getAttribute(directory, "unix:uid"));
		Runnable unlock;
		if (root) {
			Assumptions.assumeTrue(run("chattr", "+i", directory.toString()), "chattr +i is not available");
			unlock = () -> run("chattr", "-i", directory.toString());
		}
		else {
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-x------"));
			unlock = () -> {
				try {
					Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			};
		}
		if (Files.isWritable(directory)) {
			unlock.run();
			Assumptions.abort("Could not make " + directory + " unwritable for this process");
		}
		return unlock;
	}

	static boolean run(String... command) {
		try {
			return Command.run(Duration.ofSeconds(10), command).succeeded();
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
