package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A primary's write-ahead log as followers stream it: the transactions committed past what is
 * shipped to the replica, named in the same positions (generation, log index, offset) the replica
 * uses, so that a follower applies them the moment they exist and storage catches up behind. It
 * scans the log forward from the shipped position (frames checked for salts and the checksum
 * chain, only up to the last commit), remembers how far it got, and wakes waiting readers on every
 * commit. When SQLite restarted the log and the replicator has not moved to the next index yet,
 * the new log has no position: readers wait for the replicator, which it asks to move on at once.
 * <p>
 * A follower's read from a position, and its {@link #acknowledge acknowledgement} of a streamed
 * part, each say it holds everything before a position, which {@link FollowerAcknowledgements}
 * relates to the commits the scans covered, for committers that wait until a replica holds their
 * commit.
 */
final class LiveLog {

	/** How long a read that finds commits waiting gathers more before it answers. */
	static final Duration GATHER_WINDOW = Duration.ofMillis(5);

	/** Past this much waiting, a read answers at once. */
	private static final int GATHER_BYTES = 256 * 1024;

	/** The most bytes one read hands out, unless a single transaction is larger. */
	static final int READ_LIMIT = 4 * 1024 * 1024;

	private final Supplier<ShippingState> shipped;

	private final WalFile wal;

	private final Runnable moveOn;

	private final Object commits = new Object();

	private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

	/** Commits so far: a read that saw this many before it scanned waits only while no other came. */
	private final java.util.concurrent.atomic.AtomicLong commitCount = new java.util.concurrent.atomic.AtomicLong();

	private final FollowerAcknowledgements acknowledgements = new FollowerAcknowledgements();

	/**
	 * How far the log was found committed; written under {@code this}, and read without it by an
	 * acknowledgement, which must not wait behind a scan.
	 */
	private volatile LogProgress scanned;

	/** Where the previous log index ended, once the replicator moved past it; guarded by {@code this}. */
	private LogProgress finished;

	/**
	 * @param shipped what the replicator has shipped, read fresh each time
	 * @param moveOn asks the replicator to sync soon, when the log restarted past the shipped one
	 */
	LiveLog(Supplier<ShippingState> shipped, WalFile wal, Runnable moveOn) {
		this.shipped = shipped;
		this.wal = wal;
		this.moveOn = moveOn;
	}

	/** Set when the node stops: a read waiting for commits answers at once. */
	private volatile boolean stopWaiting;

	/**
	 * Answer every waiting read now, and wait no more: the node stops, and its web server waits for
	 * requests under way before it stops; a follower's long poll would hold the handoff back.
	 */
	void stopWaiting() {
		this.stopWaiting = true;
		synchronized (this.commits) {
			this.commits.notifyAll();
		}
	}

	/** The writer committed: wake readers waiting for new transactions. Quick, on the committing thread. */
	void committed() {
		this.commitCount.incrementAndGet();
		this.acknowledgements.committed();
		if (this.waiting.get() > 0) {
			synchronized (this.commits) {
				this.commits.notifyAll();
			}
		}
	}

	/** The replicator finished log index {@code end.index()} at {@code end}, and ships the next one from 0. */
	synchronized void indexFinished(LogProgress end) {
		this.finished = end;
	}

	/**
	 * The replicator moved on to the restarted log's index: readers waiting for a position have one
	 * now. No commit may come to wake them: with {@code commit-ack: replica} every committer may be
	 * waiting for the follower that waits here.
	 */
	void movedToNextIndex() {
		synchronized (this.commits) {
			this.commits.notifyAll();
		}
	}

	/** What the followers acknowledged by asking for the log. */
	FollowerAcknowledgements acknowledgements() {
		return this.acknowledgements;
	}

	/**
	 * The end of what is committed now, in the replica's positions; {@code null} while no
	 * generation is shipped, or while the log restarted and the replicator has not moved to its
	 * new index yet (it is asked to).
	 */
	LogProgress committedEnd() throws IOException {
		Scan scan = scan();
		return (scan != null) ? scan.end() : null;
	}

	/**
	 * How far the log is committed now, and the committed bytes the scan read on its way there,
	 * which a read of the same stretch uses instead of reading the file again; {@code null} like
	 * {@link #committedEnd()}.
	 */
	private synchronized Scan scan() throws IOException {
		if (!(this.shipped.get() instanceof ShippingState.Shipping shipping)) {
			return null;
		}
		// Counted before the scan: each of these commits is in the log it reads.
		long counted = this.acknowledgements.committedSoFar();
		LogProgress from = shipping.log();
		LogProgress known = this.scanned;
		if (known != null && known.generation().equals(from.generation()) && known.index() == from.index()
				&& known.offset() >= from.offset() && known.header() != null) {
			from = known;
		}
		WalHeader current = this.wal.header();
		if (from.header() == null) {
			// Nothing of this log index shipped yet (a start that resumed after a clean stop, say): the
			// log SQLite writes now is this index, from its header on.
			if (from.offset() != 0) {
				return null;
			}
			if (current == null) {
				this.acknowledgements.scanned(counted, from.position());
				return new Scan(from, 0, null);
			}
			from = from.withHeader(current);
		}
		else if (current == null || !from.header().sameLogAs(current)) {
			this.moveOn.run();
			return null;
		}
		// In windows: after a restart the file keeps the old log's frames past the new log's end, and
		// a log SQLite reuses is longer than what is committed in it. The first window holds a small
		// transaction or two; each full one doubles the next.
		int frameSize = from.header().frameSize();
		int window = (from.offset() == 0 ? WalHeader.SIZE : 0) + FIRST_SCAN_FRAMES * frameSize;
		LogProgress scanStart = from;
		byte[] scannedBytes = null;
		while (true) {
			// A log index is shipped from its start with its header; frames follow it.
			int skip = (from.offset() == 0) ? WalHeader.SIZE : 0;
			// The file the header was just read from, without looking the path up again.
			byte[] tail = this.wal.readOn(from.offset(), window);
			if (tail.length <= skip) {
				break;
			}
			WalFrames.Scan scan = WalFrames.scan(from.header(), from.checksum(), tail, skip, tail.length - skip);
			if (scan.committedLength() > 0) {
				if (!from.header().sameLogAs(this.wal.headerOn())) {
					break;
				}
				// Kept only while one window covers the whole scan, the common case.
				scannedBytes = (from == scanStart) ? Arrays.copyOf(tail, skip + scan.committedLength()) : null;
				from = from.advancedBy(skip + scan.committedLength(), scan.checksumAtCommit());
			}
			if (tail.length < window || scan.validLength() < ((tail.length - skip) / frameSize) * frameSize) {
				// The log's end, or an invalid frame: a restarted log leaves the old one's frames after its end.
				break;
			}
			if (window >= Integer.MAX_VALUE / 4) {
				break;
			}
			window *= 2;
		}
		this.scanned = from;
		this.acknowledgements.scanned(counted, from.position());
		return new Scan(from, scanStart.offset(), scannedBytes);
	}

	/** Frames the first window of a scan holds: a small transaction or two. */
	private static final int FIRST_SCAN_FRAMES = 4;

	/**
	 * A scan's outcome.
	 * @param end how far the log is committed
	 * @param bytesFrom the offset the scan started at
	 * @param bytes the committed bytes from {@code bytesFrom} to {@code end}, header included from
	 * offset 0; {@code null} when the scan kept none
	 */
	private record Scan(LogProgress end, long bytesFrom, byte[] bytes) {
	}

	/**
	 * The position of everything committed so far, waiting up to {@code timeout} for the
	 * replicator to move to a restarted log's index.
	 * @return {@code null} when there is none within the timeout
	 */
	Position positionNow(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			LogProgress end = committedEnd();
			if (end != null) {
				return namedForFollowers(end).position();
			}
			if (System.nanoTime() - deadline >= 0) {
				return null;
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
	}

	/**
	 * A log index with nothing committed in it yet holds nothing its predecessor's end does not: a
	 * client is given that end, which a follower standing there holds already, rather than the
	 * start of an index it has not entered.
	 */
	private synchronized LogProgress namedForFollowers(LogProgress end) {
		LogProgress previous = this.finished;
		if (end.offset() == 0 && previous != null && previous.generation().equals(end.generation())
				&& previous.index() == end.index() - 1) {
			return previous;
		}
		return end;
	}

	/**
	 * The committed log from {@code from} on, waiting up to {@code wait} for a commit when there is
	 * nothing new yet.
	 * @param followerHolds whether the follower asked from {@code from} itself, so holds everything
	 * before it; not when the primary streams on from where its previous part ended
	 */
	Read read(Position from, Duration wait, boolean followerHolds) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		boolean gathered = false;
		while (true) {
			long seen = this.commitCount.get();
			Scan scan = scan();
			if (scan != null) {
				Read read = readFrom(from, scan, followerHolds);
				if (!gathered && read instanceof Read.Frames frames && frames.bytes().length < GATHER_BYTES
						&& deadline - System.nanoTime() > GATHER_WINDOW.toNanos() && !this.acknowledgements.wanted()) {
					// Commits were waiting already: the follower keeps up with a busy writer. Gather a
					// few more first, so that each commit does not cost a request, a scan and a
					// signature of its own (at 10,000 commits/s that halved the writer's rate). Not
					// while committers wait for this follower: the window would add to each of their
					// waits, and they gather themselves, committing while the follower applies.
					gathered = true;
					Thread.sleep(GATHER_WINDOW.toMillis());
					continue;
				}
				if (!(read instanceof Read.NothingNew) || System.nanoTime() - deadline >= 0 || this.stopWaiting) {
					return read;
				}
				// Nothing yet: what comes next is sent the moment it is committed.
				gathered = true;
			}
			else if (System.nanoTime() - deadline >= 0 || this.stopWaiting) {
				return new Read.NotLive("the primary's log is between two log indexes; read the replica", null);
			}
			long remaining = deadline - System.nanoTime();
			this.waiting.incrementAndGet();
			try {
				synchronized (this.commits) {
					// Commits wake it; a short bound catches commits made in SQL this watch does not see.
					// A commit between the scan and here found nobody waiting yet: scan again at once.
					if (this.commitCount.get() == seen) {
						this.commits.wait(Math.max(1, Math.min(Duration.ofNanos(remaining).toMillis(), 50)));
					}
				}
			}
			finally {
				this.waiting.decrementAndGet();
			}
		}
	}

	/**
	 * A follower says it holds everything before {@code at}, a position it reached in a stream:
	 * acknowledged when {@code at} is in this generation and not past what is committed. While the
	 * log restarted and the replicator has not moved to its new index, this waits for it (at most
	 * {@code wait}): committers may all be waiting for this acknowledgement, and commit nothing
	 * that would bring another.
	 * @return whether it is acknowledged
	 */
	boolean acknowledge(Position at, Duration wait) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + wait.toNanos();
		// Commonly the scan that found these frames knows they are committed: no scan again.
		LogProgress known = this.scanned;
		if (known != null && known.position().reaches(at)) {
			this.acknowledgements.asked(at);
			return true;
		}
		LogProgress end = committedEnd();
		while (end == null) {
			if (System.nanoTime() - deadline >= 0 || this.stopWaiting) {
				return false;
			}
			Thread.sleep(1);
			end = committedEnd();
		}
		if (!end.position().reaches(at)) {
			return false;
		}
		this.acknowledgements.asked(at);
		return true;
	}

	private Read readFrom(Position from, Scan scan, boolean followerHolds) throws IOException {
		LogProgress end = scan.end();
		Position at = end.position();
		if (!from.generation().equals(end.generation())) {
			return new Read.NotLive("the primary ships generation " + end.generation() + ", not " + from.generation(), at);
		}
		LogProgress start;
		if (from.index() == end.index()) {
			start = new LogProgress(from.generation(), from.index(), from.offset(), end.header(), null);
		}
		else {
			LogProgress previous;
			synchronized (this) {
				previous = this.finished;
			}
			if (previous == null || from.index() != end.index() - 1 || previous.index() != from.index()
					|| previous.offset() != from.offset()) {
				return new Read.NotLive("position " + from + " is not in the primary's live log, which is at " + at, at);
			}
			start = (end.header() != null) ? LogProgress.start(end.generation(), end.index()).withHeader(end.header())
					: LogProgress.start(end.generation(), end.index());
		}
		if (start.offset() > end.offset()) {
			return new Read.NotLive("position " + from + " is past the end of the primary's log, " + at
					+ ": the follower applied transactions this primary no longer has", at);
		}
		if (followerHolds) {
			// In the live log: the follower holds everything before it.
			this.acknowledgements.asked(start.position());
		}
		if (start.offset() == end.offset()) {
			return new Read.NothingNew(at);
		}
		int length = (int) Math.min(end.offset() - start.offset(), Integer.MAX_VALUE - 16L);
		// The scan's own bytes when it read just this stretch: checked under the log's header already.
		boolean scanned = scan.bytes() != null && scan.bytesFrom() == start.offset() && start.index() == end.index()
				&& scan.bytes().length == length;
		// Unless the scan's own: no more than one read hands out. A follower far behind a busy writer
		// would otherwise have its whole lag read for each part, and all but the first few megabytes
		// thrown away.
		byte[] bytes = scanned ? scan.bytes() : this.wal.readOn(start.offset(), Math.min(length, READ_LIMIT));
		int cut = lastCommitWithin(bytes, start.offset(), end.header(), READ_LIMIT);
		if (cut <= 0 && bytes.length < length) {
			// One transaction larger than the limit: it goes whole, however large.
			bytes = this.wal.readOn(start.offset(), length);
			cut = lastCommitWithin(bytes, start.offset(), end.header(), READ_LIMIT);
		}
		if (cut <= 0 || (!scanned && !end.header().sameLogAs(this.wal.headerOn()))) {
			return new Read.NotLive("the primary's log changed while it was read", at);
		}
		byte[] chunk = (cut == bytes.length) ? bytes : Arrays.copyOf(bytes, cut);
		Position startPosition = new Position(start.generation(), start.index(), start.offset());
		Position endPosition = new Position(start.generation(), start.index(), start.offset() + cut);
		return new Read.Frames(startPosition, endPosition, chunk, at);
	}

	/**
	 * Where to cut {@code bytes} (frames from {@code offset}, the log's header first when it is 0,
	 * all of them committed): after the last commit frame within {@code limit} bytes, or after the
	 * first commit frame when one transaction alone is larger.
	 */
	private static int lastCommitWithin(byte[] bytes, long offset, WalHeader header, int limit) {
		int frameSize = header.frameSize();
		int at = (offset == 0) ? WalHeader.SIZE : 0;
		int cut = 0;
		while (at + frameSize <= bytes.length) {
			int databasePages = ByteBuffer.wrap(bytes, at + 4, 4).getInt();
			at += frameSize;
			if (databasePages != 0) {
				if (at > limit && cut > 0) {
					break;
				}
				cut = at;
			}
		}
		return cut;
	}

	/** What a read of the live log found. */
	sealed interface Read {

		/** The primary's committed end now, {@code null} when it has none to name. */
		Position end();

		/**
		 * Committed frames to apply.
		 *
		 * @param start where they start: the position asked for, or the start of the next log index
		 * when the one asked for ended right there
		 * @param next where they end: the position to ask for next
		 * @param bytes the frames, with the log's header when they start at offset 0
		 */
		record Frames(Position start, Position next, byte[] bytes, Position end) implements Read {
		}

		/** Nothing past the position asked for. */
		record NothingNew(Position end) implements Read {
		}

		/** The position asked for is not in the live log: read the replica in storage. */
		record NotLive(String reason, Position end) implements Read {
		}

	}

}
