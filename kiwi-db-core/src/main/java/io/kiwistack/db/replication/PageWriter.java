package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes checked write-ahead log frames straight into a database file: each frame's page at its
 * place, the file cut to the database size each commit frame records. Only for files no SQLite
 * connection has open: a restore's temporary file, or a replica's file while its readers are
 * paused.
 */
final class PageWriter {

	private static final int WRITE_VERSION_OFFSET = 18;

	private PageWriter() {
	}

	/**
	 * Apply the frames in {@code log[from..]}, which {@link WalFrames#scan} found valid and ending
	 * at a commit.
	 * @return whether page 1 was among them, which puts the log's file format versions back in the
	 * file's header (see {@link #markRollbackJournal})
	 */
	static boolean applyFrames(WalHeader header, byte[] log, int from, FileChannel database) throws IOException {
		int frameSize = header.frameSize();
		boolean firstPage = false;
		// Cut only where a commit shrinks the file (a cut never grows it): most commits leave the size
		// as it is, and each cut is a call into the file system.
		long size = database.size();
		for (int at = from; at + frameSize <= log.length; at += frameSize) {
			ByteBuffer frameHeader = ByteBuffer.wrap(log, at, WalFrames.FRAME_HEADER_SIZE);
			long pageNumber = Integer.toUnsignedLong(frameHeader.getInt());
			long databasePages = Integer.toUnsignedLong(frameHeader.getInt());
			ByteBuffer page = ByteBuffer.wrap(log, at + WalFrames.FRAME_HEADER_SIZE, header.pageSize());
			long position = (pageNumber - 1) * header.pageSize();
			while (page.hasRemaining()) {
				position += database.write(page, position);
			}
			size = Math.max(size, position);
			firstPage |= pageNumber == 1;
			if (databasePages != 0 && databasePages * header.pageSize() < size) {
				size = databasePages * header.pageSize();
				database.truncate(size);
			}
		}
		return firstPage;
	}

	/**
	 * Mark the file as a rollback-journal database (file format versions 1), so SQLite opens it
	 * without a write-ahead log: a read replica's readers then read the file alone.
	 */
	static void markRollbackJournal(FileChannel database) throws IOException {
		if (database.size() >= 100) {
			ByteBuffer versions = ByteBuffer.wrap(new byte[] { 1, 1 });
			while (versions.hasRemaining()) {
				database.write(versions, WRITE_VERSION_OFFSET + versions.position());
			}
		}
	}

}
