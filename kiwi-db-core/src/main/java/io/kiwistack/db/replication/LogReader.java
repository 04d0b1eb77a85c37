package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a generation's log back from a replica, verified: the one place that checks what restores,
 * restores to a point in time and read replicas apply. Segments are taken one log index at a time:
 * downloaded, joined, checked for gaps (each segment starts where the one before ended; a new
 * index starts at 0, right after the previous one, whose recorded end must be where its segments
 * end), for a valid header whose page size is the database's, and for frames whose salts and
 * checksum chain hold up to a commit frame, with nothing after it. Anything else fails naming the
 * object at fault.
 */
final class LogReader {

	private final ReplicaClient client;

	LogReader(ReplicaClient client) {
		this.client = client;
	}

	/**
	 * Verify {@code segments} (of {@code from}'s generation, in order, the first continuing
	 * {@code from}) and hand each log index's committed bytes to {@code consumer} as it is read.
	 * @param pageSize the database's page size, 0 when not known yet
	 * @return where the log ends: the last segment's end, or {@code from} when there are none
	 * @throws ReplicaException naming the missing or damaged object
	 */
	LogProgress read(List<WalSegmentInfo> segments, LogProgress from, int pageSize, Consumer consumer)
			throws IOException {
		LogProgress at = from;
		int expectedPageSize = pageSize;
		WalSegmentInfo lastRead = null;
		int first = 0;
		while (first < segments.size()) {
			int end = first;
			while (end < segments.size() && segments.get(end).index() == segments.get(first).index()) {
				end++;
			}
			List<WalSegmentInfo> batch = segments.subList(first, end);
			at = continueInto(at, batch.get(0), lastRead);
			Batch verified = verify(batch, at, expectedPageSize);
			consumer.accept(verified);
			at = verified.end();
			lastRead = verified.last();
			expectedPageSize = verified.header().pageSize();
			first = end;
		}
		return at;
	}

	/** Verify segments like {@link #read} and keep nothing but where they end. */
	LogProgress readToEnd(List<WalSegmentInfo> segments, LogProgress from) throws IOException {
		return read(segments, from, 0, (batch) -> {
		});
	}

	/** Where {@code next} must start after {@code at}: the same log right where it ends, or the next log's start. */
	private LogProgress continueInto(LogProgress at, WalSegmentInfo next, WalSegmentInfo lastRead) throws IOException {
		if (next.index() == at.index()) {
			if (next.offset() != at.offset()) {
				throw SegmentLog.missing(this.client, at.generation(), at.index(), at.offset(), next);
			}
			return at;
		}
		if (next.index() != at.index() + 1 || next.offset() != 0) {
			throw SegmentLog.missing(this.client, at.generation(), at.index() + 1, 0, next);
		}
		checkEnded(at, lastRead);
		return at.nextIndex();
	}

	/**
	 * A finished log index's recorded end must be where its segments end: otherwise its last
	 * segment is missing, and applying the next index on top would skip its transactions.
	 */
	private void checkEnded(LogProgress finished, WalSegmentInfo lastRead) throws IOException {
		String endPath = ReplicaLayout.walEndPath(finished.generation(), finished.index());
		if (!this.client.exists(endPath)) {
			return;
		}
		long end;
		try (InputStream in = this.client.open(endPath)) {
			end = Long.parseLong(new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim());
		}
		if (end != finished.offset()) {
			throw new ReplicaException("Log segment "
					+ ReplicaLayout.walSegmentPath(finished.generation(), finished.index(), finished.offset())
					+ " is missing from " + this.client.describe() + ", or "
					+ ((lastRead != null) ? lastRead.path() : "the last segment before it")
					+ " is shorter than it was written: log index " + ReplicaLayout.hex8(finished.index()) + " ended at offset "
					+ ReplicaLayout.hex8(end) + " but its segments end at " + ReplicaLayout.hex8(finished.offset()));
		}
	}

	private Batch verify(List<WalSegmentInfo> segments, LogProgress at, int pageSize) throws IOException {
		SegmentLog downloaded = SegmentLog.download(this.client, segments, at.offset());
		byte[] log = downloaded.bytes();
		LogProgress start = at;
		int framesFrom = 0;
		if (at.offset() == 0) {
			WalHeader header = WalHeader.parse(log, 0, log.length);
			if (header == null) {
				throw downloaded.damagedAt(0, "it does not start with a valid SQLite WAL header");
			}
			if (pageSize != 0 && header.pageSize() != pageSize) {
				throw downloaded.damagedAt(0, "its page size " + header.pageSize() + " differs from the snapshot's "
						+ pageSize + ", so it belongs to another database");
			}
			start = at.withHeader(header);
			framesFrom = WalHeader.SIZE;
		}
		WalFrames.Scan scan = WalFrames.scan(start.header(), start.checksum(), log, framesFrom, log.length - framesFrom);
		if (scan.trailingBytes()) {
			throw downloaded.damagedAt(framesFrom + scan.committedLength(),
					"its frames fail the checksum chain or do not end at a commit");
		}
		LogProgress end = new LogProgress(at.generation(), at.index(), at.offset() + log.length, start.header(),
				scan.checksumAtCommit());
		return new Batch(start.header(), log, framesFrom, end, segments.get(segments.size() - 1));
	}

	/** Takes each verified log index as it is read. */
	@FunctionalInterface
	interface Consumer {

		void accept(Batch batch) throws IOException;

	}

	/**
	 * One log index's verified bytes.
	 *
	 * @param header the log's header
	 * @param log the bytes read, all of them committed frames (and the header, when read from 0)
	 * @param framesFrom where the frames start in {@code log}
	 * @param end where the log stands after these bytes
	 * @param last the last segment read
	 */
	record Batch(WalHeader header, byte[] log, int framesFrom, LogProgress end, WalSegmentInfo last) {
	}

}
