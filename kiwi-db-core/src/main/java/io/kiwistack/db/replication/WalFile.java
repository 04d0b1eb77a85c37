package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.kiwistack.db.DatabaseFile;

/**
 * The primary's write-ahead log as the replicator reads it: with a descriptor of its own, opened
 * per read, never written. A log SQLite has not created yet reads as empty.
 */
final class WalFile {

	private final DatabaseFile file;

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

	/** Up to {@code maxLength} bytes from {@code from}: fewer at the log's end. */
	byte[] read(long from, int maxLength) throws IOException {
		try (FileChannel channel = FileChannel.open(this.file.walFile(), StandardOpenOption.READ)) {
			long available = Math.max(0, channel.size() - from);
			ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(available, maxLength));
			while (buffer.hasRemaining()) {
				if (channel.read(buffer, from + buffer.position()) < 0) {
					break;
				}
			}
			byte[] bytes = buffer.array();
			return (buffer.position() == bytes.length) ? bytes : Arrays.copyOf(bytes, buffer.position());
		}
		catch (NoSuchFileException ex) {
			return new byte[0];
		}
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
