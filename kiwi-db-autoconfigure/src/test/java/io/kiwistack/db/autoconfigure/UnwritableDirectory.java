package io.kiwistack.db.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

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
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
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
