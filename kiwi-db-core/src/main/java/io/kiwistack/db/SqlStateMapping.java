package io.kiwistack.db;

import java.sql.BatchUpdateException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite's errors in JDBC's standard terms. sqlite-jdbc throws a plain {@link SQLException} without
 * an SQLState for every failure, SQLite's primary result code as its vendor code. Whatever reads
 * JDBC's classification (Spring's exception translators, Hibernate's converters, jOOQ's
 * {@code sqlStateClass()}, MyBatis through Spring) then can't tell a duplicate key from a full disk.
 * kiwi-db's statements, {@code BEGIN}s and commits throw instead the {@code java.sql} subclass with
 * the standard SQLState that SQLite's extended result code means. The driver's exception stays the
 * cause, and its message and vendor code stay as they were, so code that reads the message or the
 * result code sees what it saw before.
 * <p>
 * Only sqlite-jdbc's own exceptions (and its batch failures) are mapped; kiwi-db's own refusals
 * are built here with their types from the start.
 */
final class SqlStateMapping {

	/** A primary key or unique index holds the value already (PostgreSQL's {@code unique_violation}). */
	static final String UNIQUE_VIOLATION = "23505";

	static final String FOREIGN_KEY_VIOLATION = "23503";

	static final String NOT_NULL_VIOLATION = "23502";

	static final String CHECK_VIOLATION = "23514";

	/** Any other constraint: a trigger's {@code RAISE(ABORT)}, a {@code STRICT} table's type, ... */
	static final String INTEGRITY_CONSTRAINT_VIOLATION = "23000";

	static final String STRING_DATA_RIGHT_TRUNCATION = "22001";

	static final String DATA_EXCEPTION = "22000";

	/**
	 * {@code SQLITE_BUSY} and {@code SQLITE_LOCKED}: the statement did nothing and may succeed when
	 * tried again. {@code 40001} rather than a lock-timeout state of one vendor, because it is the one
	 * that Spring's SQLState and subclass translators both take for {@code CannotAcquireLockException}.
	 */
	static final String SERIALIZATION_FAILURE = "40001";

	/** The standard's "read-only SQL-transaction", which PostgreSQL also answers on a standby. */
	static final String READ_ONLY_TRANSACTION = WriteFence.SQL_STATE;

	/** PostgreSQL's {@code disk_full}, of the class Spring takes for a resource failure. */
	static final String DISK_FULL = "53100";

	private SqlStateMapping() {
	}

	/**
	 * {@code failure} as the standard exception its SQLite result code means, or {@code failure}
	 * itself when it is not sqlite-jdbc's or means nothing standard.
	 */
	static SQLException standardized(SQLException failure) {
		if (failure instanceof BatchUpdateException batch) {
			return standardizedBatch(batch);
		}
		if (!(failure instanceof SQLiteException sqlite)) {
			return failure;
		}
		String message = failure.getMessage();
		int vendorCode = failure.getErrorCode();
		return switch (SQLiteErrorCode.getErrorCode(vendorCode & 0xff)) {
			case SQLITE_CONSTRAINT ->
				new SQLIntegrityConstraintViolationException(message, constraintState(sqlite), vendorCode, failure);
			case SQLITE_TOOBIG -> new SQLDataException(message, STRING_DATA_RIGHT_TRUNCATION, vendorCode, failure);
			case SQLITE_MISMATCH -> new SQLDataException(message, DATA_EXCEPTION, vendorCode, failure);
			case SQLITE_BUSY, SQLITE_LOCKED ->
				new SQLTransactionRollbackException(message, SERIALIZATION_FAILURE, vendorCode, failure);
			case SQLITE_READONLY -> readOnly(message, failure);
			// A plain SQLException: whether space comes back is not the driver's to say.
			case SQLITE_FULL -> new SQLException(message, DISK_FULL, vendorCode, failure);
			default -> failure;
		};
	}

	private static String constraintState(SQLiteException failure) {
		return switch (failure.getResultCode()) {
			// ROWID: a duplicate rowid, the key of every table that has no other.
			case SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_ROWID -> UNIQUE_VIOLATION;
			case SQLITE_CONSTRAINT_FOREIGNKEY -> FOREIGN_KEY_VIOLATION;
			case SQLITE_CONSTRAINT_NOTNULL -> NOT_NULL_VIOLATION;
			case SQLITE_CONSTRAINT_CHECK -> CHECK_VIOLATION;
			default -> INTEGRITY_CONSTRAINT_VIOLATION;
		};
	}

	/**
	 * sqlite-jdbc reports a failed {@code Statement} batch as a {@link BatchUpdateException} with
	 * neither SQLState nor vendor code, the entry's exception as its cause. The batch failure keeps
	 * its update counts and gains the entry's state and code; the standardized entry becomes its
	 * next exception, where Spring's translators look for a batch's reason.
	 */
	private static SQLException standardizedBatch(BatchUpdateException batch) {
		if (batch.getSQLState() != null || !(batch.getCause() instanceof SQLiteException entry)) {
			return batch;
		}
		SQLException standard = standardized(entry);
		if (standard == entry) {
			return batch;
		}
		BatchUpdateException result = new BatchUpdateException(batch.getMessage(), standard.getSQLState(),
				standard.getErrorCode(), batch.getLargeUpdateCounts(), batch);
		result.setNextException(standard);
		return result;
	}

	/**
	 * A write on a connection that only reads, said in {@code message}. An authorization failure:
	 * retrying the same write on the same connection never succeeds, and Spring's subclass
	 * translator makes it a {@code PermissionDeniedDataAccessException}.
	 */
	static SQLException readOnly(String message, SQLException cause) {
		return new SQLInvalidAuthorizationSpecException(message, READ_ONLY_TRANSACTION, cause.getErrorCode(), cause);
	}

	/**
	 * The write fence refuses a write: for good once another node took the claim (like a read
	 * replica's refusal), otherwise until a renewal succeeds, so transient (Spring's
	 * {@code TransientDataAccessResourceException}).
	 */
	static SQLException writesRefused(String refusal, boolean forGood) {
		return forGood ? new Deposed(refusal) : new NotRenewed(refusal);
	}

	/** The fence's refusal once another node took the claim. */
	private static final class Deposed extends SQLInvalidAuthorizationSpecException implements WriteFence.Refusal {

		private static final long serialVersionUID = 1L;

		Deposed(String refusal) {
			super(refusal, READ_ONLY_TRANSACTION);
		}

	}

	/** The fence's refusal while the claim is not known to be valid. */
	private static final class NotRenewed extends SQLTransientConnectionException implements WriteFence.Refusal {

		private static final long serialVersionUID = 1L;

		NotRenewed(String refusal) {
			super(refusal, READ_ONLY_TRANSACTION);
		}

	}

	/**
	 * A commit that reached the local file but is not acknowledged. Never transient: a retry would
	 * commit the same work twice. Transaction managers report it as a failed commit.
	 */
	static SQLException commitNotAcknowledged(String message) {
		return new SQLNonTransientException(message, READ_ONLY_TRANSACTION);
	}

}
