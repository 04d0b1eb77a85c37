package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;

/**
 * Syncs a restore's file on a thread of its own: over and over while the file is written, so the
 * disk writes it as it grows instead of all of it at the end, then once more in full, after the
 * last write, while the restore checks the file's integrity. Any failed sync fails the restore:
 * Linux reports a write-back error to one fsync only, so a later sync that succeeds proves
 * nothing about the pages the failed one was writing.
 */
final class RestoreSync implements AutoCloseable {

	/**
	 * How much the file grows between syncs while it is written. Syncing all the time instead
	 * makes the writes themselves three times slower; never until the end leaves a second or more
	 * of writing to wait for at 1 GB. At 64 MiB the last sync still waited 15-53 ms after the
	 * integrity check of a 134 MB restore; at 32 MiB 0-40 ms, the copy itself no slower.
	 */
	private static final long STEP_BYTES = 32L << 20;

	/** How often to look at how far the file has grown. */
	private static final long PAUSE_MILLIS = 20;

	private final FileChannel file;

	private final Thread thread;

	private boolean writesDone;

	private boolean stopped;

	private boolean synced;

	private Throwable failure;

	/** How long the file was at the last sync; only the sync thread reads and writes it. */
	private long syncedSize;

	private RestoreSync(FileChannel file) {
		this.file = file;
		this.thread = new Thread(this::run, "kiwi-db-restore-sync");
		this.thread.setDaemon(true);
	}

	/** Start syncing {@code file}, which is about to be written; it must stay open until {@link #close()}. */
	static RestoreSync start(FileChannel file) {
		RestoreSync sync = new RestoreSync(file);
		sync.thread.start();
		return sync;
	}

	/** Every write is done: sync the whole file once more, metadata too, and stop. */
	synchronized void writesDone() {
		this.writesDone = true;
		notifyAll();
	}

	/**
	 * Wait for the sync after {@link #writesDone()}.
	 * @throws IOException when it, or any sync before it, failed
	 */
	synchronized void awaitSynced() throws IOException {
		try {
			while (!this.synced && this.failure == null) {
				wait();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while syncing the restored file");
		}
		if (this.failure instanceof Error error) {
			throw error;
		}
		if (this.failure != null) {
			throw new IOException("syncing the restored file failed: " + this.failure, this.failure);
		}
	}

	/** Stop syncing, and wait for a sync under way, so the file can be closed. */
	@Override
	public void close() {
		synchronized (this) {
			this.stopped = true;
			notifyAll();
		}
		UninterruptibleJoin.join(this.thread);
	}

	private void run() {
		try {
			while (true) {
				synchronized (this) {
					if (this.stopped || this.writesDone) {
						break;
					}
				}
				long size = this.file.size();
				if (size - this.syncedSize >= STEP_BYTES) {
					this.file.force(false);
					this.syncedSize = size;
				}
				else {
					pause();
				}
			}
			synchronized (this) {
				if (this.stopped) {
					return;
				}
			}
			this.file.force(true);
			synchronized (this) {
				this.synced = true;
				notifyAll();
			}
		}
		catch (Throwable ex) {
			synchronized (this) {
				this.failure = ex;
				notifyAll();
			}
		}
	}

	private synchronized void pause() throws InterruptedException {
		if (!this.stopped && !this.writesDone) {
			wait(PAUSE_MILLIS);
		}
	}

}
