package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import io.kiwistack.db.KiwiDataSource;

/**
 * When and how the replicator checkpoints (it is the only one that does: connections run with
 * {@code wal_autocheckpoint=0}), so that SQLite never restarts the log over frames not shipped.
 */
final class Checkpoints {

	private static final System.Logger logger = System.getLogger(Checkpoints.class.getName());

	/** The most log a checkpoint barrier may have to ship while the writer waits: tens of milliseconds of work. */
	static final long BARRIER_MAX_BYTES = 8L * 1024 * 1024;

	private final KiwiDataSource dataSource;

	private final Checkpointer checkpointer;

	private final WalFile wal;

	private final long thresholdBytes;

	private final SyncHistory history;

	/** The last checkpoint failure logged, so that one failing at every sync is logged once. */
	private String lastFailure;

	Checkpoints(KiwiDataSource dataSource, WalFile wal, long thresholdBytes, SyncHistory history) {
		this.dataSource = dataSource;
		this.checkpointer = new Checkpointer(dataSource.jdbcUrl());
		this.wal = wal;
		this.thresholdBytes = thresholdBytes;
		this.history = history;
	}

	/** Ships the log's tail and tells where shipping stands after it. */
	@FunctionalInterface
	interface TailShipper {

		LogProgress shipTail() throws IOException;

	}

	/**
	 * Checkpoint without stopping the writer: pin the log, ship, run a PASSIVE checkpoint, unpin.
	 * A checkpoint that completes then copied only shipped frames, and the log restarts at the
	 * next write as a new index. Under a steady stream of writes it never completes (each write
	 * lands past the pin); once the log has grown to twice the threshold that way, the writer is
	 * held back just long enough to ship and copy the few frames written since, unless those are
	 * more than a barrier should ship (see {@link #writerOutpacesShipping}).
	 * <p>
	 * A checkpoint that fails (the database's disk is full, say) does not fail the sync: what was
	 * shipped stays shipped, and the next sync tries again, so the log shrinks as soon as there is
	 * room.
	 * @return whether every frame shipped, and none more, is in the database file now
	 */
	boolean checkpointQuietly(TailShipper shipper) throws IOException {
		try {
			boolean complete = checkpoint(shipper);
			this.lastFailure = null;
			return complete;
		}
		catch (SQLException ex) {
			if (!Objects.equals(ex.getMessage(), this.lastFailure)) {
				logger.log(Level.WARNING, "Could not checkpoint " + this.dataSource.file().orElseThrow() + " ("
						+ ex.getMessage() + "); shipping goes on, and the checkpoint is tried again at the next sync");
			}
			this.lastFailure = ex.getMessage();
			return false;
		}
	}

	private boolean checkpoint(TailShipper shipper) throws IOException, SQLException {
		Checkpointer.Result result;
		LogProgress shipped;
		this.checkpointer.pin();
		try {
			shipped = shipper.shipTail();
			result = this.checkpointer.passive();
		}
		finally {
			this.checkpointer.unpin();
		}
		boolean complete = completeAndShipped(result, shipped);
		if (!complete && shipped.offset() >= 2 * this.thresholdBytes && !writerOutpacesShipping(shipped)) {
			try (Connection barrier = this.dataSource.getConnection()) {
				long started = System.nanoTime();
				try {
					shipped = shipper.shipTail();
					complete = completeAndShipped(this.checkpointer.passive(), shipped);
				}
				finally {
					this.history.barrierHeld(System.nanoTime() - started);
				}
			}
		}
		return complete;
	}

	/**
	 * With the writer held as a barrier and everything shipped, copy the whole log into the
	 * database file: at a clean stop, so that the next start finds the file as the replica has it.
	 * @return whether every frame shipped, and none more, is in the database file now
	 */
	boolean checkpointAllShipped(LogProgress shipped) {
		try {
			return completeAndShipped(this.checkpointer.passive(), shipped);
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "The final checkpoint failed", ex);
			return false;
		}
	}

	/**
	 * With the replica unreachable the log can't be shipped, and without checkpoints it would grow
	 * without end. Past {@code maxWalBytes}, checkpoint anyway: the frames not shipped are then
	 * gone from the log, and continuity with the replica is lost.
	 * @return whether it checkpointed
	 */
	boolean checkpointUnshippedPast(long maxWalBytes) {
		if (this.wal.size() < maxWalBytes) {
			return false;
		}
		// The writer is held as a barrier, and the checkpoint runs on the replicator's own
		// connection: the writer's statements stop while commits are fenced.
		try (Connection barrier = this.dataSource.getConnection()) {
			this.checkpointer.passive();
			return true;
		}
		catch (SQLException ex) {
			logger.log(Level.WARNING, "Could not checkpoint " + this.wal + ": " + ex.getMessage(), ex);
			return false;
		}
	}

	/**
	 * Whether more than {@link #BARRIER_MAX_BYTES} were written while the last ship and checkpoint
	 * ran. The writer is then faster than shipping, and a barrier would hold it for as long as
	 * shipping all that takes: 3.3 s and once 14.7 s were measured under an unthrottled writer of
	 * incompressible rows. Without the barrier the log grows until the writer slows down, and the
	 * checkpoint completes at a later sync.
	 */
	private boolean writerOutpacesShipping(LogProgress shipped) throws IOException {
		WalHeader current = this.wal.header();
		return current != null && shipped.header() != null && this.wal.grewPast(shipped, current, BARRIER_MAX_BYTES);
	}

	private static boolean completeAndShipped(Checkpointer.Result result, LogProgress shipped) {
		return result.complete() && result.logFrames() == shipped.frames();
	}

	void close() {
		try {
			this.checkpointer.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Closing the replicator's connections failed", ex);
		}
	}

}
