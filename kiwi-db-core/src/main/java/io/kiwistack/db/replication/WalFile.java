package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.kiwistack.db.DatabaseFile;

/**
 * The primary's write-ahead log as the replicator reads it: through a read-only descriptor of its
 * own, never written. A log SQLite has not created yet reads as empty.
 * <p>
 * The descriptor is held from one read to the next: opening and closing the file per read cost a
 * streaming primary a path lookup, an open and a close for each of the two or three reads of every
 * part it sent. SQLite deletes the log when its last connection closes and creates a new one with
 * the next, so each read first looks the path up (a {@code stat}, no open) and opens the file again
 * when it names another file than the one held. The lookup comes before the open: a file replaced
 * in between is found by the next read, never a stale one kept. A read that goes on from another
 * ({@link #readOn}) skips the lookup and reads the file that one found.
 * Closing the held descriptor is safe beside SQLite's own: SQLite locks the database and its
 * shared-memory index, never the log.
 */
final class WalFile implements AutoCloseable {

	private final DatabaseFile file;

	/** Reads share the held descriptor; replacing or closing it waits for them. */
	private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

	/** The descriptor held, {@code null} when none; guarded by {@link #lock}. */
	private FileChannel channel;

	/** The identity (device and inode) of the file {@link #channel} was opened on; guarded by {@link #lock}. */
	private Object openedKey;

	/** Once closed, each read opens and closes a descriptor of its own: nothing is held past the replicator. */
	private boolean closed;

	WalFile(DatabaseFile file) {
		this.file = file;
	}

	long size() {
		return this.file.walSize();
	}

	/** The log's header, or {@code null} when there is no valid one yet. */
	WalHeader header() throws IOException {
		byte[] bytes = read(0, WalHeader.SIZE);
		return WalHeader.parse(bytes, 0, bytes.length);
	}

	/** Up to {@code maxLength} bytes from {@code from}: fewer at the log's end. Safe from any thread. */
	byte[] read(long from, int maxLength) throws IOException {
		try {
			return readHeld(from, maxLength);
		}
		catch (ClosedByInterruptException ex) {
			throw ex;
		}
		catch (ClosedChannelException ex) {
			// Another thread was interrupted in a read, which closes the descriptor for every reader: open it again.
			return readHeld(from, maxLength);
		}
	}

	/**
	 * The log's header through the descriptor held, like {@link #readOn}.
	 */
	WalHeader headerOn() throws IOException {
		byte[] bytes = readOn(0, WalHeader.SIZE);
		return WalHeader.parse(bytes, 0, bytes.length);
	}

	/**
	 * Like {@link #read}, through the descriptor the last read used without looking the path up
	 * again: for reads that go on from one that just looked (a scan's frames after its header), so
	 * that they read the file it found. Reads as {@link #read} when no descriptor is held.
	 */
	byte[] readOn(long from, int maxLength) throws IOException {
		try {
			byte[] held = readThroughHeld(null, from, maxLength);
			if (held != null) {
				return held;
			}
		}
		catch (ClosedByInterruptException ex) {
			throw ex;
		}
		catch (ClosedChannelException ex) {
			// Closed by another thread's interrupted read: read as a first read does.
		}
		return read(from, maxLength);
	}

	/**
	 * Read through the descriptor held, when there is one open on the file {@code key} names
	 * (any file, {@code null}); {@code null} when there is none.
	 */
	private byte[] readThroughHeld(Object key, long from, int maxLength) throws IOException {
		this.lock.readLock().lock();
		try {
			if (this.channel != null && this.channel.isOpen() && (key == null || key.equals(this.openedKey))) {
				return readFrom(this.channel, from, maxLength);
			}
			return null;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	private byte[] readHeld(long from, int maxLength) throws IOException {
		Path path = this.file.walFile();
		Object key;
		try {
			key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
		}
		catch (NoSuchFileException ex) {
			letGoOfDeleted();
			return new byte[0];
		}
		if (key == null) {
			// No file identity on this file system: a descriptor per read, as nothing tells a replaced log.
			return readOnce(path, from, maxLength);
		}
		byte[] held = readThroughHeld(key, from, maxLength);
		if (held != null) {
			return held;
		}
		this.lock.writeLock().lock();
		try {
			if (this.closed) {
				return readOnce(path, from, maxLength);
			}
			if (this.channel == null || !this.channel.isOpen() || !key.equals(this.openedKey)) {
				closeHeld();
				try {
					this.channel = FileChannel.open(path, StandardOpenOption.READ);
				}
				catch (NoSuchFileException ex) {
					return new byte[0];
				}
				this.openedKey = key;
			}
			return readFrom(this.channel, from, maxLength);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** The log is gone: let go of a descriptor of the deleted file, so that its space is freed. */
	private void letGoOfDeleted() throws IOException {
		this.lock.writeLock().lock();
		try {
			closeHeld();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Let go of the held descriptor: the replicator stops. */
	@Override
	public void close() throws IOException {
		this.lock.writeLock().lock();
		try {
			this.closed = true;
			closeHeld();
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	private void closeHeld() throws IOException {
		FileChannel held = this.channel;
		this.channel = null;
		this.openedKey = null;
		if (held != null) {
			held.close();
		}
	}

	private static byte[] readOnce(Path path, long from, int maxLength) throws IOException {
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			return readFrom(channel, from, maxLength);
		}
		catch (NoSuchFileException ex) {
			return new byte[0];
		}
	}

	/**
	 * The most one read call asks for. The JDK reads into a heap array through a direct buffer of
	 * the call's size, kept per thread for the next call that fits in it: reads of a log a few
	 * frames longer each time each had a new one allocated and zeroed, megabytes at a time.
	 */
	private static final int READ_CALL_LIMIT = 256 * 1024;

	private static byte[] readFrom(FileChannel channel, long from, int maxLength) throws IOException {
		long available = Math.max(0, channel.size() - from);
		byte[] bytes = new byte[(int) Math.min(available, maxLength)];
		int read = 0;
		while (read < bytes.length) {
			int n = channel.read(ByteBuffer.wrap(bytes, read, Math.min(READ_CALL_LIMIT, bytes.length - read)), from + read);
			if (n < 0) {
				break;
			}
			read += n;
		}
		return (read == bytes.length) ? bytes : Arrays.copyOf(bytes, read);
	}

	/**
	 * Whether the log has grown by {@code bytes} past {@code shipped}: the frame that far on
	 * carries the current log's salts. One small read. A log that restarted after a checkpoint is
	 * measured from its start.
	 */
	boolean grewPast(LogProgress shipped, WalHeader current, long bytes) throws IOException {
		long frameSize = current.frameSize();
		long frames = Math.max(1, bytes / frameSize);
		long from = (shipped.header() != null && shipped.header().sameLogAs(current))
				? Math.max(shipped.offset(), WalHeader.SIZE) : WalHeader.SIZE;
		byte[] frameHeader = read(from + (frames - 1) * frameSize, WalFrames.FRAME_HEADER_SIZE);
		if (frameHeader.length < WalFrames.FRAME_HEADER_SIZE) {
			return false;
		}
		ByteBuffer salts = ByteBuffer.wrap(frameHeader, 8, 8);
		return salts.getInt() == current.salt1() && salts.getInt() == current.salt2();
	}

	@Override
	public String toString() {
		return this.file.walFile().toString();
	}

}
