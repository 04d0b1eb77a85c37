package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Ships a primary's log past a position: the frames up to the last commit, checked for salts and
 * checksums, as immutable segments, each durable before the position moves past it.
 */
final class LogShipper {

	/** The most log read into memory for one segment, unless a single transaction is larger. */
	static final int SEGMENT_READ_LIMIT = 16 * 1024 * 1024;

	private final WalFile wal;

	private final ReplicaClient client;

	private final PrimaryClaim claim;

	private final SyncHistory history;

	LogShipper(WalFile wal, ReplicaClient client, PrimaryClaim claim, SyncHistory history) {
		this.wal = wal;
		this.client = client;
		this.claim = claim;
		this.history = history;
	}

	/**
	 * Ship what was committed up to now, in segments of at most {@link #SEGMENT_READ_LIMIT} bytes
	 * (more only for a single larger transaction), so that a large backlog never has to sit in
	 * memory whole. Stops at the log's end as it was when called: a writer faster than shipping
	 * can't keep one sync going forever.
	 * @param shipped called with each new position, once its segment is durable
	 */
	Tail shipTail(LogProgress from, Consumer<LogProgress> shipped) throws IOException {
		long end = this.wal.size();
		int limit = SEGMENT_READ_LIMIT;
		LogProgress at = from;
		do {
			byte[] tail = this.wal.read(at.offset(), limit);
			LogProgress next;
			if (at.offset() == 0) {
				WalHeader current = WalHeader.parse(tail, 0, tail.length);
				if (current == null) {
					return new Tail(at, false);
				}
				at = at.withHeader(current);
				shipped.accept(at);
				next = ship(tail, WalHeader.SIZE, at);
			}
			else {
				if (!at.header().sameLogAs(this.wal.header())) {
					return new Tail(at, true);
				}
				next = ship(tail, 0, at);
			}
			boolean progressed = next.offset() > at.offset();
			if (progressed) {
				shipped.accept(next);
				at = next;
			}
			if (tail.length < limit) {
				return new Tail(at, false);
			}
			// A full window with no commit in it holds part of one large transaction: widen it.
			limit = progressed ? SEGMENT_READ_LIMIT : (int) Math.min(Integer.MAX_VALUE - 16L, 2L * limit);
		}
		while (at.offset() < end);
		return new Tail(at, false);
	}

	/** Ship the committed frames of {@code tail} as one segment; returns the position after it. */
	private LogProgress ship(byte[] tail, int framesStart, LogProgress at) throws IOException {
		WalFrames.Scan scan = WalFrames.scan(at.header(), at.checksum(), tail, framesStart, tail.length - framesStart);
		if (scan.committedLength() == 0) {
			return at;
		}
		int length = framesStart + scan.committedLength();
		if (framesStart == 0 && !at.header().sameLogAs(this.wal.header())) {
			// The log restarted while it was being read; the next sync sees the new header.
			return at;
		}
		byte[] compressed = Lz4.compress(tail, 0, length);
		this.claim.checkStillPrimary();
		this.client.write(ReplicaLayout.walSegmentPath(at.generation(), at.index(), at.offset()), compressed);
		this.history.segmentShipped(compressed.length, scan.commits());
		return at.advancedBy(length, scan.checksumAtCommit());
	}

	/** Record where a finished log index ends, so a restore can tell its last segment is there. */
	void recordEnd(LogProgress finished) throws IOException {
		this.claim.checkStillPrimary();
		this.client.write(ReplicaLayout.walEndPath(finished.generation(), finished.index()),
				Long.toString(finished.offset()).getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * How a ship ended.
	 *
	 * @param shipped the position reached
	 * @param logRestarted whether SQLite restarted the log past that position: what follows is a
	 * new log
	 */
	record Tail(LogProgress shipped, boolean logRestarted) {
	}

}
