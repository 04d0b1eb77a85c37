package io.kiwistack.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.sqlite.SQLiteConfig;

/**
 * The database's one writer connection, lent to one thread at a time. SQLite lets one connection
 * write at a time; several pooled writers only trade a queue in Java for {@code SQLITE_BUSY} errors
 * in SQLite, so kiwi-db keeps a single connection and queues threads fairly in arrival order.
 * <p>
 * The thread that holds it may borrow it again, as long as no transaction is open on it: a
 * {@code REQUIRES_NEW} transaction in an after-commit listener, or a cursor reader's connection
 * beside its chunk transactions. Each such handle shares the one connection; a handle may not run
 * a statement inside a transaction another handle has open (both would need the one write lock),
 * and the connection goes back to the queue when the last handle is closed. A second borrow while
 * a transaction is open fails at once, naming both sides, instead of waiting for itself forever.
 */
final class SingleWriter implements Lender, AutoCloseable {

	private static final System.Logger logger = System.getLogger(SingleWriter.class.getName());

	private final ConnectionOpener opener;

	private final Duration acquireTimeout;

	private final Semaphore permit = new Semaphore(1, true);

	private volatile Thread holder;

	private volatile long heldSinceNanos;

	private PhysicalConnection physical;

	private volatile boolean closed;

	private final java.util.concurrent.atomic.LongAdder acquisitions = new java.util.concurrent.atomic.LongAdder();

	private final java.util.concurrent.atomic.LongAdder waitNanos = new java.util.concurrent.atomic.LongAdder();

	private final DiskFullWatch diskFull = new DiskFullWatch();

	private final CommitWatch commitWatch;

	private final WriteFence fence = new WriteFence();

	/** The handles lent to the holder thread now, in the order lent; only that thread uses it. */
	private final List<LentConnection> lent = new ArrayList<>(2);

	/** Says which unit of work borrows, for messages: Spring's transaction name, say. */
	private volatile Supplier<String> borrowerContext = () -> null;

	/** What {@link #borrowerContext} said when the holder took the connection. */
	private String holderContext;

	SingleWriter(ConnectionOpener opener, Duration acquireTimeout) throws SQLException {
		this(opener, acquireTimeout, new CommitWatch());
	}

	/** @param commitWatch told of this writer's commits; its database's, which outlives a writer */
	SingleWriter(ConnectionOpener opener, Duration acquireTimeout, CommitWatch commitWatch) throws SQLException {
		this.commitWatch = commitWatch;
		this.opener = opener;
		this.acquireTimeout = acquireTimeout;
		this.physical = opener.openWriter();
	}

	LentConnection borrow() throws SQLException {
		Thread current = Thread.currentThread();
		if (this.holder == current) {
			return borrowAgain(current);
		}
		acquire();
		try {
			if (this.closed) {
				throw new SQLNonTransientConnectionException("The kiwi-db database is closed");
			}
			if (this.physical == null) {
				this.physical = this.opener.openWriter();
			}
			this.holderContext = this.borrowerContext.get();
			return lend();
		}
		catch (SQLException | RuntimeException ex) {
			release();
			throw ex;
		}
	}

	private LentConnection borrowAgain(Thread current) throws SQLException {
		if (this.closed || this.physical == null) {
			throw new SQLNonTransientConnectionException("The kiwi-db database is closed");
		}
		if (transactionOpen() && !endTransactionsThatOnlyRead()) {
			throw new SQLNonTransientConnectionException(NestedBorrowMessage.whileTransactionOpen(current,
					this.holderContext, this.borrowerContext.get(), Duration.ofNanos(System.nanoTime() - this.heldSinceNanos)));
		}
		return lend();
	}

	/**
	 * A transaction of this thread that has only read so far (a cursor reader's, say) holds nothing
	 * another transaction of the same thread could conflict with: end it, so that the second handle
	 * can begin its own. The first handle's next statement begins a new transaction; nothing else
	 * wrote in between, since this thread holds the only writer.
	 */
	private boolean endTransactionsThatOnlyRead() throws SQLException {
		for (LentConnection handle : this.lent) {
			if (handle.ownsOpenTransaction() && !handle.endTransactionIfItOnlyRead()) {
				return false;
			}
		}
		return !transactionOpen();
	}

	private LentConnection lend() {
		LentConnection handle = new LentConnection(this.physical, this, this.fence);
		this.lent.add(handle);
		return handle;
	}

	private boolean transactionOpen() throws SQLException {
		if (!this.physical.connection().getAutoCommit()) {
			return true;
		}
		for (LentConnection handle : this.lent) {
			if (handle.ownsOpenTransaction()) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void checkMayRun(LentConnection handle) throws SQLException {
		if (this.lent.size() > 1 && !handle.ownsOpenTransaction() && transactionOpen()) {
			throw new SQLNonTransientConnectionException(
					NestedBorrowMessage.insideAnothersTransaction(Thread.currentThread(), this.holderContext));
		}
	}

	/** Where to learn which unit of work borrows the writer, for the messages of a nested borrow. */
	void describeBorrowersWith(Supplier<String> context) {
		this.borrowerContext = context;
	}

	WriteFence fence() {
		return this.fence;
	}

	@Override
	public DiskFullWatch diskFullWatch() {
		return this.diskFull;
	}

	@Override
	public CommitWatch commitWatch() {
		return this.commitWatch;
	}

	@Override
	public void giveBack(LentConnection lent) {
		this.lent.remove(lent);
		if (!this.lent.isEmpty()) {
			giveBackShared(lent);
			return;
		}
		// Taken while this thread still holds the writer, waited for once it does not: the next
		// thread commits meanwhile, and one acknowledgement covers both (group commit).
		CommitWatch.Acknowledgement owed = this.commitWatch.takeOwed();
		try {
			if (!this.closed) {
				reset(lent);
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.WARNING, "Replacing the kiwi-db writer connection: it could not be reset", ex);
			discardPhysical();
		}
		finally {
			release();
		}
		if (owed != null) {
			owed.awaitAcknowledged();
		}
	}

	/** Whether some thread holds the connection right now. */
	boolean isLent() {
		return this.holder != null;
	}

	@Override
	public void close() throws SQLException {
		boolean acquired = tryAcquire(this.acquireTimeout);
		if (!acquired) {
			logger.log(Level.WARNING, closingWhileHeldMessage());
		}
		try {
			this.closed = true;
			if (this.physical != null) {
				try {
					this.physical.execute("PRAGMA optimize");
					this.physical.execute("PRAGMA wal_checkpoint(TRUNCATE)");
				}
				finally {
					this.physical.close();
					this.physical = null;
				}
			}
		}
		finally {
			if (acquired) {
				release();
			}
		}
	}

	/**
	 * A handle goes back while others of the same thread still hold the connection: undo only what
	 * it did (its statements, its transaction, its read-only switch); the connection stays lent.
	 */
	private void giveBackShared(LentConnection handle) {
		try {
			handle.closeOpenStatements();
			handle.rollbackOwnTransaction();
			if (handle.isReadOnlyRequested()) {
				handle.physicalConnection().execute("PRAGMA query_only = 0");
				handle.physicalConnection().connection().getConnectionConfig()
					.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.WARNING, "Could not undo what a second handle of the kiwi-db writer connection left", ex);
		}
	}

	private void reset(LentConnection lent) throws SQLException {
		ConnectionReset.reset(lent);
		if (lent.isReadOnlyRequested()) {
			lent.physicalConnection().execute("PRAGMA query_only = 0");
			lent.physicalConnection().connection().getConnectionConfig()
				.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
		}
	}

	private void discardPhysical() {
		PhysicalConnection broken = this.physical;
		this.physical = null;
		if (broken == null) {
			return;
		}
		try {
			broken.close();
		}
		catch (SQLException ex) {
			logger.log(Level.DEBUG, "Closing a broken kiwi-db writer connection failed", ex);
		}
	}

	/** How often the writer was lent, and how long borrowers waited for it in all. */
	WaitStatistics waitStatistics() {
		return new WaitStatistics(this.acquisitions.sum(), Duration.ofNanos(this.waitNanos.sum()));
	}

	private void acquire() throws SQLException {
		long started = System.nanoTime();
		boolean acquired = tryAcquire(this.acquireTimeout);
		this.waitNanos.add(System.nanoTime() - started);
		if (acquired) {
			this.acquisitions.increment();
		}
		if (!acquired) {
			throw new SQLTransientConnectionException("Timed out after " + format(this.acquireTimeout)
					+ " waiting for the kiwi-db writer connection (acquire timeout, kiwi.db.pool.acquire-timeout): "
					+ describeHolder()
					+ ". A transaction that runs this long blocks every other writer; keep transactions short, or raise the timeout.");
		}
	}

	private boolean tryAcquire(Duration timeout) throws SQLTransientConnectionException {
		try {
			if (!freeForInterrupted(this.permit) && !this.permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLTransientConnectionException("Interrupted while waiting for the kiwi-db writer connection", ex);
		}
		this.heldSinceNanos = System.nanoTime();
		this.holder = Thread.currentThread();
		return true;
	}

	/**
	 * Take a permit nobody waits for when this thread is interrupted: a free connection goes to an
	 * interrupted thread too, as one of HikariCP's does, and only waiting for one is interruptible.
	 * Libraries that interrupt their own threads to stop them (Quartz's scheduler) still get to
	 * release what they hold. With waiters queued the thread queues too, so arrival order holds.
	 */
	static boolean freeForInterrupted(Semaphore permits) {
		return Thread.currentThread().isInterrupted() && !permits.hasQueuedThreads() && permits.tryAcquire();
	}

	private void release() {
		this.holder = null;
		this.permit.release();
	}

	/** The warning when closing waited the acquire timeout for the writer and goes on without it. */
	private String closingWhileHeldMessage() {
		return "Closing the kiwi-db writer connection without waiting longer for it (waited "
				+ format(this.acquireTimeout) + ", kiwi.db.pool.acquire-timeout): " + describeHolder();
	}

	private String describeHolder() {
		Thread current = this.holder;
		if (current == null) {
			return "no thread holds it now; it was handed on just as the wait ended";
		}
		Duration held = Duration.ofNanos(System.nanoTime() - this.heldSinceNanos);
		return "thread '" + current.getName() + "' has held it for " + format(held);
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis < 1000) ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
	}

}
