package io.kiwistack.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.testsupport.Command;

import static org.assertj.core.api.Assertions.fail;

/**
 * A small tmpfs file system mounted for one test, so that the disk under the database really fills
 * up. Mounting needs root, as the tests have here and in CI; a test fails, not skips, without it.
 */
final class Tmpfs implements AutoCloseable {

	private final Path mountPoint;

	private Tmpfs(Path mountPoint) {
		this.mountPoint = mountPoint;
	}

	/** Mounts a tmpfs of {@code size} (such as {@code 4m}) on a new directory {@code mountPoint}. */
	static Tmpfs mount(Path mountPoint, String size) throws IOException, InterruptedException {
		Files.createDirectories(mountPoint);
		run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", mountPoint.toString());
		return new Tmpfs(mountPoint);
	}

	Path path() {
		return this.mountPoint;
	}

	/** Grows (or shrinks) the file system in place; its files stay as they are. */
	void resize(String size) throws IOException, InterruptedException {
		run("mount", "-o", "remount,size=" + size, this.mountPoint.toString());
	}

	/** Unmounts, lazily when a process that outlived the test still has files open on it. */
	@Override
	public void close() throws IOException, InterruptedException {
		String failure = attempt("umount", this.mountPoint.toString());
		if (failure != null && attempt("umount", "-l", this.mountPoint.toString()) != null) {
			fail("Could not unmount the tmpfs at %s: %s", this.mountPoint, failure);
		}
	}

	private static void run(String... command) throws IOException, InterruptedException {
		String failure = attempt(command);
		if (failure != null) {
			fail("%s%nThese tests fill a real disk: they mount a small tmpfs under the test's temporary directory, "
					+ "which needs root (as in CI) or CAP_SYS_ADMIN.", failure);
		}
	}

	/** Runs {@code command}; what went wrong, or {@code null} when it succeeded. */
	private static String attempt(String... command) throws IOException, InterruptedException {
		return Command.run(Duration.ofSeconds(30), command).failure();
	}

}
