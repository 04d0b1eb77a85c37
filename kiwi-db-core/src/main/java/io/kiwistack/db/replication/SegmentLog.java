package io.kiwistack.db.replication;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Consecutive log segments of one log index, downloaded, decompressed and joined, with where each
 * segment ends, so that a problem found in the bytes can be blamed on the object it came from.
 * Restores and read replicas read the replica this way.
 */
final class SegmentLog {

	private final ReplicaClient client;

	private final List<WalSegmentInfo> segments;

	private final long[] ends;

	private final byte[] bytes;

	private SegmentLog(ReplicaClient client, List<WalSegmentInfo> segments, long[] ends, byte[] bytes) {
		this.client = client;
		this.segments = segments;
		this.ends = ends;
		this.bytes = bytes;
	}

	/**
	 * Download {@code segments}, which must follow one another from {@code startOffset} on.
	 * @throws ReplicaException naming the missing or unreadable object
	 */
	static SegmentLog download(ReplicaClient client, List<WalSegmentInfo> segments, long startOffset)
			throws IOException {
		ByteArrayOutputStream log = new ByteArrayOutputStream();
		long[] ends = new long[segments.size()];
		for (int i = 0; i < segments.size(); i++) {
			WalSegmentInfo segment = segments.get(i);
			long expected = startOffset + log.size();
			if (segment.offset() != expected) {
				throw (i > 0) ? shortOrMissing(client, segments.get(i - 1), expected, segment)
						: missing(client, segment.generation(), segment.index(), expected, segment);
			}
			try (InputStream in = Lz4.open(client, segment.path())) {
				in.transferTo(log);
			}
			catch (IOException ex) {
				throw damaged(client, segment, "it can't be decompressed (" + ex.getMessage() + ")");
			}
			ends[i] = log.size();
		}
		return new SegmentLog(client, segments, ends, log.toByteArray());
	}

	byte[] bytes() {
		return this.bytes;
	}

	/** The segment that byte {@code position} of {@link #bytes()} came from. */
	WalSegmentInfo segmentAt(long position) {
		int at = 0;
		while (at < this.ends.length - 1 && this.ends[at] <= position) {
			at++;
		}
		return this.segments.get(at);
	}

	/** The problem with the segment that byte {@code position} came from. */
	ReplicaException damagedAt(long position, String problem) {
		return damaged(this.client, segmentAt(position), problem);
	}

	static ReplicaException damaged(ReplicaClient client, WalSegmentInfo segment, String problem) {
		return new ReplicaException(
				"Log segment " + segment.path() + " in " + client.describe() + " is damaged: " + problem);
	}

	static ReplicaException missing(ReplicaClient client, String generation, long index, long offset,
			WalSegmentInfo found) {
		return new ReplicaException("Log segment " + ReplicaLayout.walSegmentPath(generation, index, offset)
				+ " is missing from " + client.describe() + " (the next one present is " + found.path()
				+ "); the replica has a gap and can't be restored past it");
	}

	private static ReplicaException shortOrMissing(ReplicaClient client, WalSegmentInfo previous, long end,
			WalSegmentInfo found) {
		return new ReplicaException("Log segment " + ReplicaLayout.walSegmentPath(previous.generation(), previous.index(), end)
				+ " is missing from " + client.describe() + ", or " + previous.path()
				+ " before it is shorter than it was written (the next one present is " + found.path()
				+ "); the replica can't be restored past it");
	}

}
