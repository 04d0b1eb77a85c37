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
 * Copies a decompressed snapshot into a restore's file on three threads: the calling thread
 * decompresses into large buffers, a writer thread writes each buffer, and a hasher thread then
 * adds it to the digest, so decompressing, writing and hashing overlap instead of adding up (an
 * XXH64 costs a sixth of the decompression's CPU, the SHA-256 of an older record more than all of
 * it). The hand-off is bounded: a few buffers
 * go round the three threads, in order. A failure anywhere stops all three and fails the copy,
 * and both threads have stopped before the copy returns or throws, so the file and the digest are
 * never touched behind the caller's back.
 */
final class SnapshotCopy {

	/** Litestream's and kiwi-db's snapshot block size: one LZ4 block per buffer, one copy out of the stream. */
	static final int BUFFER_SIZE = 4 << 20;

	/** Two in flight for each of the three threads: enough to keep them all busy, 24 MiB in all. */
	private static final int BUFFERS = 6;

	private SnapshotCopy() {
	}

	/**
	 * Copy all of {@code in} to {@code out} from its start, adding every byte to {@code digest}.
	 * The digest is complete when this returns.
	 * @return the number of bytes copied
	 * @throws IOException when reading fails (as {@code in} reports it), or writing fails (wrapped,
	 * saying so)
	 */
	static long copy(InputStream in, FileChannel out, MessageDigest digest) throws IOException {
		// Room for every buffer and a failed marker from each stage, so that handing back never waits.
		BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS + 2);
		for (int i = 0; i < BUFFERS; i++) {
			free.add(new byte[BUFFER_SIZE]);
		}
		// The hasher hands buffers back; the writer hands them on to it.
		Stage hasher = new Stage("kiwi-db-restore-hasher", "hashing the restored snapshot", free, null,
				(chunk) -> digest.update(chunk.bytes(), 0, chunk.length()));
		Stage writer = new Stage("kiwi-db-restore-writer", "writing the restored file", free, hasher, new FileWrite(out));
		hasher.start();
		try {
			writer.start();
		}
		catch (Throwable ex) {
			hasher.put(Stage.ABORT);
			hasher.join();
			throw ex;
		}
		boolean handedOver = false;
		try {
			long total = 0;
			while (true) {
				byte[] buffer = nextFree(free, writer, hasher);
				int n = fill(in, buffer);
				if (n > 0) {
					writer.put(new Chunk(buffer, n));
					total += n;
				}
				else {
					free.add(buffer);
				}
				if (n < buffer.length) {
					break;
				}
			}
			writer.put(Stage.END);
			handedOver = true;
			writer.join();
			hasher.join();
			writer.throwIfFailed();
			hasher.throwIfFailed();
			return total;
		}
		finally {
			if (!handedOver) {
				writer.put(Stage.ABORT);
				writer.join();
				hasher.join();
			}
		}
	}

	/** A buffer to fill, once the threads are done with what it held. */
	private static byte[] nextFree(BlockingQueue<byte[]> free, Stage writer, Stage hasher) throws IOException {
		byte[] buffer;
		try {
			buffer = free.take();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while restoring a snapshot");
		}
		if (buffer == Stage.FAILED) {
			writer.throwIfFailed();
			hasher.throwIfFailed();
		}
		return buffer;
	}

	/** Read into all of {@code buffer}, short only at the end of the stream. */
	private static int fill(InputStream in, byte[] buffer) throws IOException {
		int n = 0;
		for (int read; n < buffer.length && (read = in.read(buffer, n, buffer.length - n)) >= 0;) {
			n += read;
		}
		return n;
	}

	/** What a stage does with each buffer, in order. */
	private interface Work {

		void accept(Chunk chunk) throws IOException;

	}

	/** Writes each buffer after the one before, from the start of the file. */
	private static final class FileWrite implements Work {

		private final FileChannel out;

		private long position;

		FileWrite(FileChannel out) {
			this.out = out;
		}

		@Override
		public void accept(Chunk chunk) throws IOException {
			ByteBuffer bytes = ByteBuffer.wrap(chunk.bytes(), 0, chunk.length());
			while (bytes.hasRemaining()) {
				this.position += this.out.write(bytes, this.position);
			}
		}

	}

	/**
	 * One thread of the copy: takes buffers in order, works on each, and hands it to the next stage,
	 * or back to be filled again after the last. An end or abort marker goes on down the line and
	 * stops each stage in turn; a stage that fails sends an abort on, and wakes the caller with a
	 * failed marker instead of a buffer.
	 */
	private static final class Stage {

		static final Chunk END = new Chunk(new byte[0], 0);

		static final Chunk ABORT = new Chunk(new byte[0], 0);

		/** Handed back instead of a buffer when a stage failed. */
		static final byte[] FAILED = new byte[0];

		private final Thread thread;

		/** What the stage does, for the message of its failure. */
		private final String doing;

		private final BlockingQueue<byte[]> free;

		private final Stage next;

		private final Work work;

		// Room for every buffer and a marker, so that putting into it never waits, even once this stage stopped.
		private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(BUFFERS + 1);

		private volatile Throwable failure;

		Stage(String name, String doing, BlockingQueue<byte[]> free, Stage next, Work work) {
			this.doing = doing;
			this.free = free;
			this.next = next;
			this.work = work;
			this.thread = new Thread(this::run, name);
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		void put(Chunk chunk) {
			this.queue.add(chunk);
		}

		private void run() {
			Chunk marker = ABORT;
			try {
				for (Chunk chunk = this.queue.take(); ; chunk = this.queue.take()) {
					if (chunk == END || chunk == ABORT) {
						marker = chunk;
						break;
					}
					this.work.accept(chunk);
					handOn(chunk);
				}
			}
			catch (Throwable ex) {
				// Nobody interrupts these threads; anything else is the copy's failure, reported by the caller.
				this.failure = ex;
				this.free.add(FAILED);
			}
			finally {
				if (this.next != null) {
					this.next.put(marker);
				}
			}
		}

		private void handOn(Chunk chunk) {
			if (this.next != null) {
				this.next.put(chunk);
			}
			else {
				this.free.add(chunk.bytes());
			}
		}

		void join() {
			UninterruptibleJoin.join(this.thread);
		}

		void throwIfFailed() throws IOException {
			Throwable failed = this.failure;
			if (failed instanceof Error error) {
				throw error;
			}
			if (failed != null) {
				throw new IOException(this.doing + " failed: " + failed, failed);
			}
		}

	}

	/** {@code length} bytes at the start of {@code bytes}, to be worked on next. */
	private record Chunk(byte[] bytes, int length) {
	}

}
