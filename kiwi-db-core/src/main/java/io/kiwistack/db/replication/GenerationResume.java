package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides, when a primary starts, whether it can continue the generation it shipped before instead
 * of uploading a new snapshot, and from where. It can when the replica's newest generation is the
 * one this file was shipped to, with its first segments complete, and continuity with the shipped
 * end is proven from the file and its log:
 * <ul>
 * <li>the log beside the database is still the one last shipped (same salts) and its frames up to
 * the shipped end carry the same checksum: SQLite did not restart it since, so what follows in it
 * is exactly what is not shipped yet (after a crash, or a stop that kept the log); or</li>
 * <li>the last stop was clean (everything shipped, the whole log checkpointed into the file) and
 * the database file's fingerprint is still the one recorded then, so any log beside it now is a
 * new one, written on top of exactly what the replica holds.</li>
 * </ul>
 * Anything else starts a new generation, and the reason is logged.
 */
final class GenerationResume {

	private final ReplicaClient client;

	private final WalFile wal;

	private final Path database;

	GenerationResume(ReplicaClient client, WalFile wal, Path database) {
		this.client = client;
		this.wal = wal;
		this.database = database;
	}

	/** Where to continue, or why not. */
	sealed interface Outcome {
	}

	/**
	 * Continue shipping here.
	 *
	 * @param shipped the shipped end, as verified from the replica
	 * @param checkpointedEverythingShipped whether the file holds everything shipped and nothing more
	 * @param snapshot the generation's newest snapshot
	 */
	record Resumed(LogProgress shipped, boolean checkpointedEverythingShipped, SnapshotInfo snapshot)
			implements Outcome {
	}

	/** @param reason why a new generation starts */
	record NewGeneration(String reason) implements Outcome {
	}

	Outcome decide() throws IOException {
		ShippedRecord record = ShippedRecord.read(this.database);
		if (record == null) {
			return new NewGeneration("there is no record beside " + this.database + " of a generation shipped from it");
		}
		Optional<RestorePlan> newest;
		try {
			newest = new GenerationChooser(this.client, false).plan(null);
		}
		catch (ReplicaException ex) {
			return new NewGeneration("the replica's newest generation can't be restored (" + ex.getMessage() + ")");
		}
		if (newest.isEmpty() || !newest.get().generation().equals(record.generation())) {
			return new NewGeneration("generation " + record.generation() + ", which this file was shipped to, is not "
					+ "the replica's newest" + newest.map((plan) -> " (" + plan.generation() + " is)").orElse(""));
		}
		RestorePlan plan = newest.get();
		if (!SnapshotDigest.isRecorded(this.client, plan.generation(), plan.snapshot().index())) {
			return new NewGeneration("generation " + plan.generation() + " was never complete in the replica");
		}
		LogProgress shipped;
		try {
			shipped = shippedEnd(plan);
		}
		catch (ReplicaException ex) {
			return new NewGeneration("the end of generation " + plan.generation() + " can't be read back (" + ex.getMessage() + ")");
		}
		WalHeader local = this.wal.header();
		if (local != null && shipped.header() != null && local.sameLogAs(shipped.header())) {
			if (sameFramesAsShipped(local, shipped)) {
				return new Resumed(shipped, false, plan.snapshot());
			}
			return new NewGeneration("the log beside the database is the one last shipped, but its frames differ from "
					+ "what the replica holds at " + shipped.position());
		}
		ShippedRecord.CleanStop stop = record.stop();
		if (stop == null) {
			return new NewGeneration("this node did not stop cleanly, and the log was restarted since it last shipped");
		}
		if (stop.index() != shipped.index() || stop.offset() != shipped.offset()) {
			return new NewGeneration("the replica's generation ends at " + shipped.position() + ", not where this node "
					+ "stopped (" + new Position(record.generation(), stop.index(), stop.offset()) + ")");
		}
		if (!stop.fingerprint().equals(DatabaseFingerprint.of(this.database))) {
			return new NewGeneration("the database file changed after this node stopped shipping it");
		}
		return new Resumed(shipped, true, plan.snapshot());
	}

	/** The generation's shipped end: its last log index read back, verified. */
	private LogProgress shippedEnd(RestorePlan plan) throws IOException {
		long lastIndex = plan.snapshot().index();
		for (WalSegmentInfo segment : plan.segments()) {
			lastIndex = Math.max(lastIndex, segment.index());
		}
		long index = lastIndex;
		List<WalSegmentInfo> last = plan.segments().stream().filter((segment) -> segment.index() == index).toList();
		return new LogReader(this.client).readToEnd(last, LogProgress.start(plan.generation(), index));
	}

	/**
	 * Whether the local log's frame that ends where shipping ended carries the log's salts and the
	 * checksum the replica's log ends with: the checksum runs over every frame before it, so the
	 * frames up to there are the ones shipped. One small read.
	 */
	private boolean sameFramesAsShipped(WalHeader local, LogProgress shipped) throws IOException {
		if (shipped.offset() <= WalHeader.SIZE) {
			return local.checksum().equals(shipped.checksum());
		}
		byte[] frameHeader = this.wal.read(shipped.offset() - local.frameSize(), WalFrames.FRAME_HEADER_SIZE);
		if (frameHeader.length < WalFrames.FRAME_HEADER_SIZE) {
			return false;
		}
		ByteBuffer fields = ByteBuffer.wrap(frameHeader, 8, 16);
		return fields.getInt() == local.salt1() && fields.getInt() == local.salt2()
				&& new WalChecksum(fields.getInt(), fields.getInt()).equals(shipped.checksum());
	}

}
