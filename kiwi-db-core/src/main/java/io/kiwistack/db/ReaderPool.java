package io.kiwistack.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Read-only connections for read-only transactions. In WAL mode a reader sees the last commit
 * before its transaction began and never blocks the writer, so reads scale with these connections
 * instead of queueing for the one writer.
 */
final class ReaderPool implements Lender {

	private static final System.Logger logger = System.getLogger(ReaderPool.class.getName());

	private final ConnectionOpener opener;

	private final int size;

	private final Duration acquireTimeout;

	private final String replicaOf;

	private final Semaphore permits;

	/**
	 * Last in, first out: the reader given back last is lent next, its statements prepared and its
	 * pages cached, while readers the load does not need stay idle.
	 */
	private final ConcurrentLinkedDeque<PhysicalConnection> idle = new ConcurrentLinkedDeque<>();

	/**
	 * The reader each thread was lent last, lent to it again while it is idle. Lent to whichever
	 * thread comes next, two threads on two cores swapped their readers at every transaction, and
	 * each found the pages and statements of its reader in the other core's cache: two threads ran
	 * 1.08x one thread's read-only transactions, where raw connections of their own ran 1.38x.
	 */
	private final ThreadLocal<PhysicalConnection> lentLast = new ThreadLocal<>();

	private volatile boolean closed;

	private final Object pauseGate = new Object();

	/** Read without the gate's lock on every borrow; set and cleared under it. */
	private volatile boolean paused;

	ReaderPool(ConnectionOpener opener, int size, Duration acquireTimeout, String replicaOf) throws SQLException {
		this.opener = opener;
		this.replicaOf = replicaOf;
		this.size = size;
		this.acquireTimeout = acquireTimeout;
		// Unfair: a reader is interchangeable and short-lived, and handing permits strictly in order
		// costs a context switch per borrow once threads outnumber readers.
		this.permits = new Semaphore(size, false);
		List<PhysicalConnection> opened = new ArrayList<>();
		try {
			for (int i = 0; i < size; i++) {
				opened.add(opener.openReader());
			}
		}
		catch (SQLException | RuntimeException ex) {
			for (PhysicalConnection connection : opened) {
				connection.close();
			}
			throw ex;
		}
		this.idle.addAll(opened);
	}

	LentConnection borrow() throws SQLException {
		waitWhilePaused();
		acquire();
		try {
			if (this.closed) {
				throw new SQLNonTransientConnectionException("The kiwi-db database is closed");
			}
			PhysicalConnection connection = takeIdle();
			if (connection == null) {
				connection = this.opener.openReader();
			}
			this.lentLast.set(connection);
			return new LentConnection(connection, this, true, this.replicaOf);
		}
		catch (SQLException | RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	/**
	 * The reader this thread was lent last if it is idle, else the one given back last. A pause
	 * closes idle readers: one closed is in the deque no more, and is not taken.
	 */
	private PhysicalConnection takeIdle() {
		PhysicalConnection own = this.lentLast.get();
		if (own != null && this.idle.removeFirstOccurrence(own)) {
			return own;
		}
		return this.idle.pollFirst();
	}

	@Override
	public void giveBack(LentConnection lent) {
		PhysicalConnection connection = lent.physicalConnection();
		try {
			ConnectionReset.reset(lent);
			if (this.closed) {
				closeQuietly(connection);
			}
			else {
				this.idle.addFirst(connection);
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.WARNING, "Replacing a kiwi-db reader connection: it could not be reset", ex);
			closeQuietly(connection);
		}
		finally {
			this.permits.release();
		}
	}

	/**
	 * Run {@code action} while no reader is lent: new borrowers wait at the gate, lent readers are
	 * waited for, and every idle connection is closed, so readers opened afterwards see the file
	 * as {@code action} left it. A follower applies transactions this way.
	 */
	<T> T whilePaused(java.util.concurrent.Callable<T> action) throws Exception {
		synchronized (this.pauseGate) {
			while (this.paused) {
				this.pauseGate.wait();
			}
			this.paused = true;
		}
		try {
			acquireAll();
			try {
				for (PhysicalConnection connection = this.idle.poll(); connection != null; connection = this.idle.poll()) {
					closeQuietly(connection);
				}
				return action.call();
			}
			finally {
				this.permits.release(this.size);
			}
		}
		finally {
			synchronized (this.pauseGate) {
				this.paused = false;
				this.pauseGate.notifyAll();
			}
		}
	}

	private void acquireAll() throws SQLException, InterruptedException {
		if (!this.permits.tryAcquire(this.size, this.acquireTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
			throw new SQLTransientConnectionException("Timed out after " + this.acquireTimeout.toMillis()
					+ " ms waiting for read-only transactions to finish");
		}
	}

	private void waitWhilePaused() throws SQLException {
		// The common case takes no lock: a borrower that slips past a pause just beginning holds a
		// permit, and the pause waits for every permit before it touches the file.
		if (!this.paused) {
			return;
		}
		synchronized (this.pauseGate) {
			long deadline = System.nanoTime() + this.acquireTimeout.toNanos();
			while (this.paused) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					throw new SQLTransientConnectionException("Timed out after " + this.acquireTimeout.toMillis()
							+ " ms waiting for the replica to finish applying transactions");
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.pauseGate, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new SQLTransientConnectionException("Interrupted while waiting for a kiwi-db reader", ex);
				}
			}
		}
	}

	private void acquire() throws SQLException {
		try {
			if (!SingleWriter.freeForInterrupted(this.permits)
					&& !this.permits.tryAcquire(this.acquireTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new SQLTransientConnectionException("Timed out after " + this.acquireTimeout.toMillis()
						+ " ms waiting for one of the " + this.size
						+ " kiwi-db reader connections (kiwi.db.pool.readers); every one is in a read-only transaction. "
						+ "Keep read-only transactions short, or add readers.");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLTransientConnectionException("Interrupted while waiting for a kiwi-db reader connection", ex);
		}
	}

	/**
	 * Close the idle readers, waiting up to the acquire timeout for lent ones to come back (a lent
	 * reader returned later is closed then).
	 * @return whether every reader was closed
	 */
	synchronized boolean close() {
		if (this.closed) {
			return true;
		}
		this.closed = true;
		boolean all = false;
		try {
			all = this.permits.tryAcquire(this.size, this.acquireTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!all) {
			logger.log(Level.WARNING, "Closing kiwi-db reader connections while read-only transactions are still open");
		}
		for (PhysicalConnection connection = this.idle.poll(); connection != null; connection = this.idle.poll()) {
			closeQuietly(connection);
		}
		if (all) {
			this.permits.release(this.size);
		}
		return all;
	}

	private static void closeQuietly(PhysicalConnection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Closing a kiwi-db reader connection failed", ex);
		}
	}

}
