package io.kiwistack.db.replication;

import java.nio.ByteBuffer;

/**
 * Walks the frames of a write-ahead log, checking each frame's salts and the checksum chain, and
 * finds where the last complete transaction ends. Frames after the last commit frame belong to a
 * transaction still being written, or to an older log, and are never shipped or applied.
 */
final class WalFrames {

	static final int FRAME_HEADER_SIZE = 24;

	private WalFrames() {
	}

	/**
	 * Scan frames in {@code data[offset, offset + length)}, which starts at a frame boundary whose
	 * preceding checksum is {@code seed}.
	 * @return how far the valid, committed frames reach
	 */
	static Scan scan(WalHeader header, WalChecksum seed, byte[] data, int offset, int length) {
		int frameSize = header.frameSize();
		WalChecksum running = seed;
		WalChecksum atCommit = seed;
		int committedLength = 0;
		int commits = 0;
		int lastCommitPages = 0;
		boolean stoppedAtInvalidFrame = false;
		int at = offset;
		while (at + frameSize <= offset + length) {
			ByteBuffer frameHeader = ByteBuffer.wrap(data, at, FRAME_HEADER_SIZE);
			int pageNumber = frameHeader.getInt();
			int databasePages = frameHeader.getInt();
			int salt1 = frameHeader.getInt();
			int salt2 = frameHeader.getInt();
			WalChecksum stored = new WalChecksum(frameHeader.getInt(), frameHeader.getInt());
			if (pageNumber == 0 || salt1 != header.salt1() || salt2 != header.salt2()) {
				stoppedAtInvalidFrame = true;
				break;
			}
			running = running.over(data, at, 8, header.bigEndian())
				.over(data, at + FRAME_HEADER_SIZE, header.pageSize(), header.bigEndian());
			if (!running.equals(stored)) {
				stoppedAtInvalidFrame = true;
				break;
			}
			at += frameSize;
			if (databasePages != 0) {
				atCommit = running;
				committedLength = at - offset;
				commits++;
				lastCommitPages = databasePages;
			}
		}
		boolean trailing = stoppedAtInvalidFrame || at != offset + length || committedLength != at - offset;
		return new Scan(committedLength, atCommit, commits, lastCommitPages, trailing, at - offset);
	}

	/**
	 * What a scan found.
	 *
	 * @param committedLength bytes of frames up to and including the last commit frame
	 * @param checksumAtCommit the running checksum after the last commit frame
	 * @param commits how many commit frames (transactions) were found
	 * @param databasePages the database size in pages after the last commit, 0 when none
	 * @param trailingBytes whether bytes follow the last commit: an invalid frame, a partial
	 * frame, or frames of a transaction not committed yet
	 * @param validLength bytes of whole valid frames, committed or not, before the first invalid or
	 * partial one
	 */
	record Scan(int committedLength, WalChecksum checksumAtCommit, int commits, int databasePages,
			boolean trailingBytes, int validLength) {
	}

}
