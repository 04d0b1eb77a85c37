package io.kiwistack.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * One read-only descriptor per database file for kiwi-db's own reads of the file (its header, a
 * replication snapshot), shared across this process and closed only when the last user lets go.
 * <p>
 * POSIX drops every lock a process holds on a file when <em>any</em> descriptor of that file in the
 * process is closed, SQLite's locks included (sqlite.org, "How To Corrupt An SQLite Database File",
 * 2.2). Opening and closing the database file beside live SQLite connections would silently release
 * their locks, and with them the guarantee that no other process changes the file underneath. A
 * {@link KiwiDataSource} holds its file's descriptor from before its first connection until after
 * its last, so no read in between ever closes one.
 * <p>
 * Reads go through a {@link RandomAccessFile}, not a {@code FileChannel}: a thread interrupted in
 * the middle of a channel's read makes the JDK close the channel, and with it this descriptor and
 * SQLite's locks. A stream read is not interruptible, so an interrupt (a replicator stopped during
 * a snapshot, say) only ends the reading thread's work once the read returns.
 */
public final class HeldOpenFile implements AutoCloseable {

	private static final Map<Object, Shared> open = new HashMap<>();

	private final Shared shared;

	private boolean closed;

	private HeldOpenFile(Shared shared) {
		this.shared = shared;
	}

	/**
	 * Take a hold on {@code file}'s shared descriptor, opening it when this process holds none yet.
	 * @param file an existing file
	 * @return the hold; close it to let go
	 * @throws IOException when the file can't be opened for reading
	 */
	public static HeldOpenFile hold(Path file) throws IOException {
		// The same file by whatever path: device and inode, where the file system has them.
		Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
		if (key == null) {
			key = file.toRealPath();
		}
		synchronized (open) {
			Shared shared = open.get(key);
			if (shared == null) {
				shared = new Shared(key, new RandomAccessFile(file.toFile(), "r"));
				open.put(key, shared);
			}
			shared.holds++;
			return new HeldOpenFile(shared);
		}
	}

	/**
	 * The file from its first byte, as a stream that reads through this hold and never closes the
	 * descriptor, not even when the reading thread is interrupted. Safe to use beside other threads'
	 * streams of the same file.
	 */
	public InputStream inputStream() {
		return new InputStream() {

			private long position;

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return (read(one, 0, 1) == 1) ? (one[0] & 0xff) : -1;
			}

			@Override
			public int read(byte[] bytes, int offset, int length) throws IOException {
				int read = HeldOpenFile.this.shared.read(this.position, bytes, offset, length);
				if (read > 0) {
					this.position += read;
				}
				return read;
			}

		};
	}

	/** Let go; the descriptor closes when no hold on it is left in this process. */
	@Override
	public void close() throws IOException {
		synchronized (open) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (--this.shared.holds == 0) {
				open.remove(this.shared.key);
				this.shared.file.close();
			}
		}
	}

	private static final class Shared {

		private final Object key;

		private final RandomAccessFile file;

		private int holds;

		Shared(Object key, RandomAccessFile file) {
			this.key = key;
			this.file = file;
		}

		/** A positioned read; seek and read are one step under the file's monitor, as threads share the offset. */
		synchronized int read(long position, byte[] bytes, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			this.file.seek(position);
			return this.file.read(bytes, offset, length);
		}

	}

}
