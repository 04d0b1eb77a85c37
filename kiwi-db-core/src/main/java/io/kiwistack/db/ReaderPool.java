package io.kiwistack.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Read-only connections for read-only transactions. In WAL mode a reader sees the last commit
 * before its transaction began and never blocks the writer, so reads scale with these connections
 * instead of queueing for the one writer.
 * <p>
 * Each reader has a slot of its own: its state (idle or lent) and when it was last given back, 128
 * bytes from any other reader's, so that threads lending their own readers on different cores
 * write no memory in common. A thread is lent the reader it had last while that one is idle,
 * otherwise the idle one given back last; only a thread that finds none idle waits.
 */
final class ReaderPool implements Lender {

	private static final System.Logger logger = System.getLogger(ReaderPool.class.getName());

	private static final long IDLE = 0;

	private static final long LENT = 1;

	/**
	 * Longs from one reader's slot to the next: 128 bytes, so that no two share a cache line, nor
	 * the pair of lines a core fetches together. With one semaphore and one deque for all of them,
	 * two threads on two cores each paid for the other's writes at every borrow and give-back: two
	 * threads ran 1.74x one thread's read-only transactions where raw connections of their own ran
	 * 2.08x; with slots of their own, 1.86x against 2.08x.
	 */
	private static final int STRIDE = 16;

	/** A slot's state, {@link #IDLE} or {@link #LENT}, at its first long. */
	private static final int STATE = 0;

	/** When the slot was last given back ({@link System#nanoTime()}), at its second long. */
	private static final int GIVEN_BACK_AT = 1;

	/** Given back at this when its connection is closed: a reader still open is lent first. */
	private static final long CLOSED_AT = Long.MIN_VALUE;

	private final ConnectionOpener opener;

	private final int size;

	private final Duration acquireTimeout;

	private final String replicaOf;

	private final AtomicLongArray slots;

	/**
	 * Each slot's open connection, {@code null} once closed (a pause closes idle ones): read and
	 * written only by whoever holds the slot, whose lending and giving back orders the accesses.
	 */
	private final PhysicalConnection[] connections;

	/**
	 * The slot each thread was lent last, lent to it again while it is idle. Lent to whichever
	 * thread comes next, two threads on two cores swapped their readers at every transaction, and
	 * each found the pages and statements of its reader in the other core's cache: two threads ran
	 * 1.08x one thread's read-only transactions, where raw connections of their own ran 1.38x.
	 */
	private final ThreadLocal<Integer> lentLast = new ThreadLocal<>();

	/** Threads waiting for a slot to be given back; a give-back notifies only when there are some. */
	private final AtomicInteger waiters = new AtomicInteger();

	/** What threads waiting for a slot wait on. */
	private final Object givenBack = new Object();

	private volatile boolean closed;

	private final Object pauseGate = new Object();

	/** Read without the gate's lock on every borrow; set and cleared under it. */
	private volatile boolean paused;

	ReaderPool(ConnectionOpener opener, int size, Duration acquireTimeout, String replicaOf) throws SQLException {
		this.opener = opener;
		this.replicaOf = replicaOf;
		this.size = size;
		this.acquireTimeout = acquireTimeout;
		this.slots = new AtomicLongArray(size * STRIDE);
		this.connections = new PhysicalConnection[size];
		try {
			for (int i = 0; i < size; i++) {
				this.connections[i] = opener.openReader();
				this.slots.set(i * STRIDE + GIVEN_BACK_AT, System.nanoTime());
			}
		}
		catch (SQLException | RuntimeException ex) {
			for (PhysicalConnection connection : this.connections) {
				if (connection != null) {
					connection.close();
				}
			}
			throw ex;
		}
	}

	LentConnection borrow() throws SQLException {
		waitWhilePaused();
		int slot = lend();
		try {
			if (this.closed) {
				throw new SQLNonTransientConnectionException("The kiwi-db database is closed");
			}
			PhysicalConnection connection = this.connections[slot];
			if (connection == null) {
				connection = this.opener.openReader();
				this.connections[slot] = connection;
			}
			this.lentLast.set(slot);
			return new LentConnection(connection, this, true, this.replicaOf);
		}
		catch (SQLException | RuntimeException ex) {
			if (this.closed) {
				// Closing passed this slot by while it was lent here: its connection closes now.
				closeConnection(slot);
			}
			release(slot);
			throw ex;
		}
	}

	/**
	 * A slot for this thread: the one it had last if it is idle and open, else the idle one given
	 * back last, else the first given back within the acquire timeout. A free reader nobody waits
	 * for goes to an interrupted thread too, as one of HikariCP's does; only waiting for one is
	 * interruptible.
	 */
	private int lend() throws SQLException {
		Integer own = this.lentLast.get();
		// Its own closed by a pause, a thread takes one reopened since rather than open another.
		if (own != null && this.slots.get(own * STRIDE + GIVEN_BACK_AT) != CLOSED_AT && tryLend(own)) {
			return own;
		}
		if (Thread.currentThread().isInterrupted() && this.waiters.get() > 0) {
			throw interruptedWaiting(null);
		}
		int slot = tryLendAny();
		return (slot >= 0) ? slot : awaitSlot();
	}

	private static SQLTransientConnectionException interruptedWaiting(InterruptedException cause) {
		return new SQLTransientConnectionException("Interrupted while waiting for a kiwi-db reader connection", cause);
	}

	private boolean tryLend(int slot) {
		int state = slot * STRIDE + STATE;
		return this.slots.get(state) == IDLE && this.slots.compareAndSet(state, IDLE, LENT);
	}

	/**
	 * The idle slot given back last, its connection's pages and statements likeliest still cached;
	 * {@code -1} when none is idle.
	 */
	private int tryLendAny() {
		while (true) {
			int latest = -1;
			long latestAt = 0;
			for (int i = 0; i < this.size; i++) {
				if (this.slots.get(i * STRIDE + STATE) == IDLE) {
					long at = this.slots.get(i * STRIDE + GIVEN_BACK_AT);
					if (latest < 0 || at > latestAt) {
						latest = i;
						latestAt = at;
					}
				}
			}
			if (latest < 0 || tryLend(latest)) {
				return latest;
			}
			// Another thread was lent it first: look again.
		}
	}

	private int awaitSlot() throws SQLException {
		if (Thread.currentThread().isInterrupted()) {
			throw interruptedWaiting(null);
		}
		long deadline = System.nanoTime() + this.acquireTimeout.toNanos();
		// Counted before looking again: a slot given back after this look finds this thread counted.
		this.waiters.incrementAndGet();
		try {
			synchronized (this.givenBack) {
				while (true) {
					int slot = tryLendAny();
					if (slot >= 0) {
						return slot;
					}
					long remaining = deadline - System.nanoTime();
					if (remaining <= 0) {
						throw new SQLTransientConnectionException("Timed out after " + this.acquireTimeout.toMillis()
								+ " ms waiting for one of the " + this.size
								+ " kiwi-db reader connections (kiwi.db.pool.readers); every one is in a read-only transaction. "
								+ "Keep read-only transactions short, or add readers.");
					}
					TimeUnit.NANOSECONDS.timedWait(this.givenBack, remaining);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw interruptedWaiting(ex);
		}
		finally {
			this.waiters.decrementAndGet();
		}
	}

	/** The slot is idle again; whoever waits for one is told. */
	private void release(int slot) {
		this.slots.lazySet(slot * STRIDE + GIVEN_BACK_AT,
				(this.connections[slot] != null) ? System.nanoTime() : CLOSED_AT);
		// A volatile write: what the holder did to the slot's connection is seen by the next one.
		this.slots.set(slot * STRIDE + STATE, IDLE);
		if (this.waiters.get() > 0) {
			synchronized (this.givenBack) {
				this.givenBack.notifyAll();
			}
		}
	}

	@Override
	public void giveBack(LentConnection lent) {
		PhysicalConnection connection = lent.physicalConnection();
		int slot = slotOf(connection);
		if (slot < 0) {
			logger.log(Level.WARNING, "Closing a kiwi-db reader connection given back to a pool that did not lend it");
			closeQuietly(connection);
			return;
		}
		try {
			ConnectionReset.reset(lent);
			if (this.closed) {
				closeQuietly(connection);
				this.connections[slot] = null;
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.WARNING, "Replacing a kiwi-db reader connection: it could not be reset", ex);
			closeQuietly(connection);
			this.connections[slot] = null;
		}
		finally {
			release(slot);
		}
	}

	/** The slot lent with {@code connection}, commonly the one its thread was lent last; {@code -1} if none. */
	private int slotOf(PhysicalConnection connection) {
		Integer own = this.lentLast.get();
		if (own != null && this.connections[own] == connection) {
			return own;
		}
		for (int i = 0; i < this.size; i++) {
			if (this.connections[i] == connection) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Run {@code action} while no reader is lent: new borrowers wait at the gate, lent readers are
	 * waited for, and every idle connection is closed, so readers opened afterwards see the file
	 * as {@code action} left it. A follower applies transactions this way.
	 */
	<T> T whilePaused(java.util.concurrent.Callable<T> action) throws Exception {
		if (Thread.interrupted()) {
			throw new InterruptedException("Interrupted before pausing the readers");
		}
		synchronized (this.pauseGate) {
			while (this.paused) {
				this.pauseGate.wait();
			}
			this.paused = true;
		}
		try {
			// A borrower that slipped past the gate just as it closed holds a slot: it is waited for.
			boolean[] held = lendAll(System.nanoTime() + this.acquireTimeout.toNanos(), false);
			try {
				if (!allOf(held)) {
					if (Thread.interrupted()) {
						throw new InterruptedException("Interrupted while waiting for read-only transactions to finish");
					}
					throw new SQLTransientConnectionException("Timed out after " + this.acquireTimeout.toMillis()
							+ " ms waiting for read-only transactions to finish");
				}
				for (int i = 0; i < this.size; i++) {
					closeConnection(i);
				}
				return action.call();
			}
			finally {
				releaseAll(held);
			}
		}
		finally {
			synchronized (this.pauseGate) {
				this.paused = false;
				this.pauseGate.notifyAll();
			}
		}
	}

	/**
	 * Lend every slot to the caller at once, waiting for lent ones until {@code deadlineNanos}, or
	 * until interrupted (the interrupt stays set). Until it has them all it holds none while it
	 * waits, as a semaphore's permits taken together: a borrower that slipped past the pause gate
	 * (a nested read-only transaction, say) is lent an idle reader meanwhile, and closing during a
	 * pause does not wait for the slots the pause holds, nor the pause for those closing holds.
	 * @param keepAtDeadline whether to keep, when it gives up, the slots idle then (closing closes
	 * their connections; the lent ones close as they are given back)
	 * @return which slots it holds: all of them, or none (some if {@code keepAtDeadline}) when it
	 * timed out or was interrupted
	 */
	private boolean[] lendAll(long deadlineNanos, boolean keepAtDeadline) {
		boolean[] held = new boolean[this.size];
		this.waiters.incrementAndGet();
		try {
			synchronized (this.givenBack) {
				while (true) {
					for (int i = 0; i < this.size; i++) {
						held[i] = tryLend(i);
					}
					long remaining = deadlineNanos - System.nanoTime();
					if (allOf(held) || (keepAtDeadline && remaining <= 0)) {
						return held;
					}
					releaseAll(held);
					Arrays.fill(held, false);
					if (remaining <= 0) {
						return held;
					}
					TimeUnit.NANOSECONDS.timedWait(this.givenBack, remaining);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			for (int i = 0; keepAtDeadline && i < this.size; i++) {
				held[i] = tryLend(i);
			}
			return held;
		}
		finally {
			this.waiters.decrementAndGet();
		}
	}

	private void releaseAll(boolean[] held) {
		for (int i = 0; i < this.size; i++) {
			if (held[i]) {
				release(i);
			}
		}
	}

	private static boolean allOf(boolean[] held) {
		for (boolean one : held) {
			if (!one) {
				return false;
			}
		}
		return true;
	}

	/** Close the connection of a slot the caller holds, if it has one open. */
	private void closeConnection(int slot) {
		PhysicalConnection connection = this.connections[slot];
		if (connection != null) {
			this.connections[slot] = null;
			closeQuietly(connection);
		}
	}

	private void waitWhilePaused() throws SQLException {
		// The common case takes no lock: a borrower that slips past a pause just beginning holds a
		// slot, and the pause waits for every slot before it touches the file.
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
		boolean[] held = lendAll(System.nanoTime() + this.acquireTimeout.toNanos(), true);
		boolean all = allOf(held);
		if (!all) {
			logger.log(Level.WARNING, "Closing kiwi-db reader connections while read-only transactions are still open");
		}
		for (int i = 0; i < this.size; i++) {
			if (held[i]) {
				closeConnection(i);
			}
		}
		releaseAll(held);
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
