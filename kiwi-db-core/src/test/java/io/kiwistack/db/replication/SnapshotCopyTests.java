package io.kiwistack.db.replication;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The snapshot copy's three threads: every byte arrives in order in the file and the digest,
 * whatever the size against the buffers, and a failure anywhere fails the copy with its cause, with
 * the writer and hasher threads stopped before the copy returns.
 */
class SnapshotCopyTests {

	private static final int BUFFER = SnapshotCopy.BUFFER_SIZE;

	@TempDir
	Path dir;

	@AfterEach
	void noWriterLeft() {
		assertThat(RestoreThreads.alive()).as("restore threads still running").isEmpty();
	}

	@Test
	void copiesEveryByteInOrderIntoTheFileAndTheDigest() throws Exception {
		for (int size : new int[] { 0, 1, BUFFER - 1, BUFFER, BUFFER + 1, 5 * BUFFER + 12345 }) {
			byte[] data = new byte[size];
			new Random(size).nextBytes(data);
			Path file = Files.createFile(this.dir.resolve("copy-" + size));
			MessageDigest digest = SnapshotDigest.newDigest();
			long copied;
			try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
				// Short reads, as a decompressing stream gives them, must not end the copy early.
				copied = SnapshotCopy.copy(new TrickleInputStream(data), out, digest);
			}
			assertThat(copied).as("bytes copied of %d", size).isEqualTo(size);
			assertThat(Files.readAllBytes(file)).as("file of %d bytes", size).isEqualTo(data);
			assertThat(digest.digest()).isEqualTo(SnapshotDigest.newDigest().digest(data));
		}
	}

	@Test
	void aReadFailureAfterSeveralBuffersFailsTheCopyWithItsOwnException() throws Exception {
		IOException damaged = new IOException("Content checksum mismatch");
		InputStream in = new FailingInputStream(7 * BUFFER + 100, damaged);
		Path file = Files.createFile(this.dir.resolve("copy"));
		Throwable thrown;
		try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
			thrown = catchThrowable(() -> SnapshotCopy.copy(in, out, SnapshotDigest.newDigest()));
		}
		assertThat(thrown).isSameAs(damaged);
	}

	@Test
	void aWriteFailureFailsTheCopyInsteadOfLeavingTheReaderWaiting() throws Exception {
		Path file = Files.createFile(this.dir.resolve("copy"));
		byte[] data = new byte[9 * BUFFER];
		Throwable thrown;
		// Opened for reading only: the writer thread's first write fails.
		try (FileChannel out = FileChannel.open(file, StandardOpenOption.READ)) {
			thrown = catchThrowable(() -> SnapshotCopy.copy(new ByteArrayInputStream(data), out, SnapshotDigest.newDigest()));
		}
		assertThat(thrown).isInstanceOf(IOException.class).hasMessageContaining("writing the restored file failed");
	}

	@Test
	void anInterruptedCopyStopsAndKeepsTheInterrupt() throws Exception {
		Path file = Files.createFile(this.dir.resolve("copy"));
		Thread.currentThread().interrupt();
		Throwable thrown;
		try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
			thrown = catchThrowable(() -> SnapshotCopy.copy(new ByteArrayInputStream(new byte[9 * BUFFER]), out,
					SnapshotDigest.newDigest()));
		}
		finally {
			assertThat(Thread.interrupted()).as("interrupt kept").isTrue();
		}
		assertThat(thrown).isInstanceOf(InterruptedIOException.class);
	}

	/** Gives its bytes at most 100,000 at a time. */
	private static final class TrickleInputStream extends ByteArrayInputStream {

		TrickleInputStream(byte[] data) {
			super(data);
		}

		@Override
		public synchronized int read(byte[] b, int off, int len) {
			return super.read(b, off, Math.min(len, 100_000));
		}

	}

	/** Gives zeros, then fails. */
	private static final class FailingInputStream extends InputStream {

		private long left;

		private final IOException failure;

		FailingInputStream(long length, IOException failure) {
			this.left = length;
			this.failure = failure;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) < 0) ? -1 : one[0];
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (this.left == 0) {
				throw this.failure;
			}
			int n = (int) Math.min(len, this.left);
			this.left -= n;
			return n;
		}

	}

}
