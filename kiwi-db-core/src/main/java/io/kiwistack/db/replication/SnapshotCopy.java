package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Copies a decompressed snapshot into a restore's file on two threads: the calling thread
 * decompresses and hashes into large buffers, a writer thread writes them, so that decompressing
 * and hashing one buffer overlaps writing the one before. The hand-off is bounded: a few buffers
 * go round between the two threads. A failure on either side stops both and fails the copy, and
 * the writer has stopped before the copy returns or throws, so the file is never written behind
 * the caller's back.
 */
final class SnapshotCopy {

	/** Litestream's and kiwi-db's snapshot block size: one LZ4 block per buffer, one copy out of the stream. */
	static final int BUFFER_SIZE = 4 << 20;

	/** Two in flight on each side: enough to keep both threads busy, 16 MiB in all. */
	private static final int BUFFERS = 4;

	private SnapshotCopy() {
	}

	/**
	 * Copy all of {@code in} to {@code out} from its start, adding every byte to {@code digest}.
	 * @return the number of bytes copied
	 * @throws IOException when reading fails (as {@code in} reports it), or writing fails (wrapped,
	 * saying so)
	 */
	static long copy(InputStream in, FileChannel out, MessageDigest digest) throws IOException {
		Writer writer = new Writer(out);
		Thread thread = new Thread(writer, "kiwi-db-restore-writer");
		thread.setDaemon(true);
		thread.start();
		boolean handedOver = false;
		try {
			long total = 0;
			while (true) {
				byte[] buffer = writer.nextFree();
				int n = fill(in, buffer);
				if (n > 0) {
					digest.update(buffer, 0, n);
					writer.write(buffer, n);
					total += n;
				}
				if (n < buffer.length) {
					break;
				}
			}
			writer.finish();
			handedOver = true;
			joinUninterruptibly(thread);
			writer.throwIfFailed();
			return total;
		}
		finally {
			if (!handedOver) {
				writer.abort();
				joinUninterruptibly(thread);
			}
		}
	}

	/** Read into all of {@code buffer}, short only at the end of the stream. */
	private static int fill(InputStream in, byte[] buffer) throws IOException {
		int n = 0;
		for (int read; n < buffer.length && (read = in.read(buffer, n, buffer.length - n)) >= 0;) {
			n += read;
		}
		return n;
	}

	private static void joinUninterruptibly(Thread thread) {
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/** The writer thread's side: takes filled buffers in order, writes them, hands them back. */
	private static final class Writer implements Runnable {

		private static final Chunk END = new Chunk(new byte[0], 0);

		private static final Chunk ABORT = new Chunk(new byte[0], 0);

		/** Handed back instead of a buffer when the writer failed. */
		private static final byte[] FAILED = new byte[0];

		private final FileChannel out;

		// Room for every buffer and a marker, so that putting into either never waits.
		private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS + 1);

		private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 1);

		private volatile Throwable failure;


		Writer(FileChannel out) {
			this.out = out;
			for (int i = 0; i < BUFFERS; i++) {
				this.free.add(new byte[BUFFER_SIZE]);
			}
		}

		@Override
		public void run() {
			try {
				long position = 0;
				for (Chunk chunk = this.filled.take(); chunk != END && chunk != ABORT; chunk = this.filled.take()) {
					ByteBuffer bytes = ByteBuffer.wrap(chunk.bytes(), 0, chunk.length());
					while (bytes.hasRemaining()) {
						position += this.out.write(bytes, position);
					}
					this.free.add(chunk.bytes());
				}
			}
			catch (Throwable ex) {
				// Nobody interrupts this thread; anything else is the copy's failure, reported by the caller.
				this.failure = ex;
				this.free.add(FAILED);
			}
		}

		/** A buffer to fill, once the writer has written what it held. */
		byte[] nextFree() throws IOException {
			byte[] buffer;
			try {
				buffer = this.free.take();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new InterruptedIOException("Interrupted while restoring a snapshot");
			}
			if (buffer == FAILED) {
				throwIfFailed();
			}
			return buffer;
		}

		void write(byte[] buffer, int length) {
			this.filled.add(new Chunk(buffer, length));
		}

		void finish() {
			this.filled.add(END);
		}

		void abort() {
			this.filled.add(ABORT);
		}

		void throwIfFailed() throws IOException {
			Throwable failed = this.failure;
			if (failed instanceof Error error) {
				throw error;
			}
			if (failed != null) {
				throw new IOException("writing the restored file failed: " + failed, failed);
			}
		}

	}

	/** {@code length} bytes at the start of {@code bytes}, to be written next. */
	private record Chunk(byte[] bytes, int length) {
	}

}
