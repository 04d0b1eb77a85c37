package io.kiwistack.db;

import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.sqlite.SQLiteConfig;

/**
 * The database's one writer connection, lent to one thread at a time. SQLite lets one connection
 * write at a time; several pooled writers only trade a queue in Java for {@code SQLITE_BUSY} errors
 * in SQLite, so kiwi-db keeps a single connection and queues threads fairly in arrival order.
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

	private final WriteFence fence = new WriteFence();

	SingleWriter(ConnectionOpener opener, Duration acquireTimeout) throws SQLException {
		this.opener = opener;
		this.acquireTimeout = acquireTimeout;
		this.physical = opener.openWriter();
	}

	LentConnection borrow() throws SQLException {
		Thread current = Thread.currentThread();
		if (this.holder == current) {
			throw new SQLNonTransientConnectionException(nestedBorrowMessage(current));
		}
		acquire();
		try {
			if (this.closed) {
				throw new SQLNonTransientConnectionException("The kiwi-db database is closed");
			}
			if (this.physical == null) {
				this.physical = this.opener.openWriter();
			}
			return new LentConnection(this.physical, this, this.fence);
		}
		catch (SQLException | RuntimeException ex) {
			release();
			throw ex;
		}
	}

	WriteFence fence() {
		return this.fence;
	}

	@Override
	public DiskFullWatch diskFullWatch() {
		return this.diskFull;
	}

	@Override
	public void giveBack(LentConnection lent) {
		if (this.closed) {
			release();
			return;
		}
		try {
			reset(lent);
		}
		catch (SQLException | RuntimeException ex) {
			logger.log(Level.WARNING, "Replacing the kiwi-db writer connection: it could not be reset", ex);
			discardPhysical();
		}
		finally {
			release();
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
			logger.log(Level.WARNING, "Closing the kiwi-db writer connection while thread ''{0}'' still holds it",
					describeHolder());
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
			if (!this.permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
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

	private void release() {
		this.holder = null;
		this.permit.release();
	}

	private String describeHolder() {
		Thread current = this.holder;
		if (current == null) {
			return "no thread holds it now; it was handed on just as the wait ended";
		}
		Duration held = Duration.ofNanos(System.nanoTime() - this.heldSinceNanos);
		return "thread '" + current.getName() + "' has held it for " + format(held);
	}

	private static String nestedBorrowMessage(Thread current) {
		return "Thread '" + current.getName() + "' asked for a second connection while it already holds the kiwi-db "
				+ "writer connection. kiwi-db has exactly one writer, so this would wait for itself forever. "
				+ "This usually is a REQUIRES_NEW transaction (or a nested DataSource.getConnection()) inside an open "
				+ "transaction: join the outer transaction (REQUIRED), or run the inner work after the outer one commits.";
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis < 1000) ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
	}

}
