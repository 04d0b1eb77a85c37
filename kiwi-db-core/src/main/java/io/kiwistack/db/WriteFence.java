package io.kiwistack.db;

import java.sql.SQLException;
import java.util.function.LongSupplier;

/**
 * Whether this node may still acknowledge writes. Replication raises it: a primary whose claim on
 * the replica lasts until a deadline may commit until shortly before it, and one that lost its
 * claim to another primary may never commit again (the other's history would fork from ours).
 * The writer connection checks it before a write transaction's first statement, and before and
 * after each commit, so no commit is acknowledged once the fence is up. A process paused past the
 * deadline (SIGSTOP, a long GC) finds it passed when it resumes: the deadline is on the monotonic
 * clock, which runs on while the process is stopped.
 * <p>
 * Without replication the fence never rises. Each check is one volatile read and, while a
 * deadline is set, one reading of the deadline's monotonic clock ({@link System#nanoTime()}, or a
 * test's).
 */
public final class WriteFence {

	/** SQLSTATE 25006, "read-only SQL-transaction": this node takes no writes now. */
	public static final String SQL_STATE = "25006";

	private volatile State state = State.OPEN;

	/**
	 * Marks the exceptions a raised fence refuses writes with, whichever {@code SQLException}
	 * subclass they are (transient until a renewal, or for good once deposed): nothing was
	 * written, and the same request may succeed shortly, on this node once it renews its claim or
	 * through the primary it forwards to. A web layer answers {@code 503} with {@code Retry-After}.
	 * A commit that ran but can't be acknowledged is not one: retrying it would do the work twice.
	 */
	public interface Refusal {

		/**
		 * The refusal among {@code failure} and its causes, {@code null} when there is none.
		 */
		static Refusal in(Throwable failure) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof Refusal refusal) {
					return refusal;
				}
			}
			return null;
		}

		/** Why writes are refused, for the client. */
		String getMessage();

	}

	/**
	 * Allow writes until {@code deadlineNanos} on the {@link System#nanoTime()} clock, and refuse
	 * them after it with {@code expiredReason}, until the deadline is moved again.
	 */
	public void allowUntil(long deadlineNanos, String expiredReason) {
		allowUntil(deadlineNanos, System::nanoTime, expiredReason);
	}

	/**
	 * Allow writes until {@code deadlineNanos} on {@code clock}, a monotonic clock in nanoseconds,
	 * and refuse them after it with {@code expiredReason}, until the deadline is moved again.
	 */
	public void allowUntil(long deadlineNanos, LongSupplier clock, String expiredReason) {
		State current = this.state;
		if (current.deposedReason == null) {
			this.state = new State(clock, deadlineNanos, expiredReason, null);
		}
	}

	/** Refuse every write from now on, for good: another node writes the history now. */
	public void depose(String reason) {
		this.state = new State(null, 0, null, reason);
	}

	/**
	 * Why writes are refused now, or {@code null} when they are allowed.
	 */
	public String refusal() {
		State current = this.state;
		if (current.deposedReason != null) {
			return current.deposedReason;
		}
		if (current.clock != null && current.deadlineNanos - current.clock.getAsLong() < 0) {
			return current.expiredReason;
		}
		return null;
	}

	/** Whether writes are refused for good. */
	public boolean deposed() {
		return this.state.deposedReason != null;
	}

	void check() throws SQLException {
		String refusal = refusal();
		if (refusal != null) {
			throw SqlStateMapping.writesRefused(refusal, deposed());
		}
	}

	/** After a commit ran: it must not be acknowledged once the fence rose while it ran. */
	void checkCommitted() throws SQLException {
		String refusal = refusal();
		if (refusal != null) {
			throw SqlStateMapping.commitNotAcknowledged("The transaction was committed to the local file but is not "
					+ "acknowledged, because the write fence rose while it committed: " + refusal);
		}
	}

	/** @param clock the deadline's clock, {@code null} while there is no deadline */
	private record State(LongSupplier clock, long deadlineNanos, String expiredReason, String deposedReason) {

		static final State OPEN = new State(null, 0, null, null);

	}

}
