package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteLimits;

/**
 * What kiwi-db's handles throw when SQLite refuses something, over real files: the
 * {@code java.sql} subclass and standard SQLState that the result code means, with sqlite-jdbc's
 * exception as the cause and its message and vendor code kept.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SqlStateMappingTests {

	private static final String SCHEMA = """
			CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, stock INTEGER CHECK (stock >= 0));
			CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
			CREATE TABLE late_child (id INTEGER PRIMARY KEY,
				parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
			CREATE TABLE code (value TEXT PRIMARY KEY);
			CREATE TRIGGER no_negative_names BEFORE INSERT ON parent WHEN NEW.name LIKE '-%'
				BEGIN SELECT RAISE(ABORT, 'names do not start with a dash'); END;
			INSERT INTO parent VALUES (1, 'kiwi', 3);
			INSERT INTO code VALUES ('K1');
			""";

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeDataSources() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	private KiwiDataSource open(UnaryOperator<KiwiDbSettings.Builder> customizer) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(customizer.apply(KiwiDbSettings.builder(this.dir.resolve("app.db").toString())).build());
		this.opened.add(dataSource);
		try (Connection connection = dataSource.getConnection()) {
			for (String statement : SCHEMA.split(";\\s*(?=CREATE|INSERT|$)")) {
				if (!statement.isBlank()) {
					execute(connection, statement);
				}
			}
		}
		return dataSource;
	}

	private KiwiDataSource open() throws SQLException {
		return open(UnaryOperator.identity());
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static long count(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/** What {@code sql} throws on a connection of {@code dataSource}. */
	private static SQLException failure(KiwiDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			return catchThrowableOfType(SQLException.class, () -> execute(connection, sql));
		}
	}

	/** sqlite-jdbc's exception is the cause, its message and vendor code kept. */
	private static void assertKeepsTheDriversException(SQLException mapped, SQLiteErrorCode resultCode) {
		assertThat(mapped.getCause()).isInstanceOf(SQLiteException.class);
		SQLiteException cause = (SQLiteException) mapped.getCause();
		assertThat(cause.getResultCode()).isEqualTo(resultCode);
		assertThat(mapped.getMessage()).isEqualTo(cause.getMessage());
		assertThat(mapped.getErrorCode()).isEqualTo(cause.getErrorCode()).isEqualTo(resultCode.code & 0xff);
	}

	@Test
	void aDuplicatePrimaryKeyIsAUniqueViolation() throws Exception {
		KiwiDataSource dataSource = open();
		for (String duplicate : List.of("INSERT INTO parent VALUES (1, 'lime', 1)", "INSERT INTO code VALUES ('K1')")) {
			SQLException ex = failure(dataSource, duplicate);
			assertThat((Throwable) ex).as(duplicate).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(ex.getSQLState()).as(duplicate).isEqualTo("23505");
			assertKeepsTheDriversException(ex, SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
		}
	}

	@Test
	void aDuplicateInAUniqueIndexIsAUniqueViolation() throws Exception {
		SQLException ex = failure(open(), "INSERT INTO parent VALUES (2, 'kiwi', 1)");
		assertThat((Throwable) ex).isInstanceOf(SQLIntegrityConstraintViolationException.class);
		assertThat(ex.getSQLState()).isEqualTo("23505");
		assertThat(ex.getMessage()).contains("UNIQUE constraint failed: parent.name");
		assertKeepsTheDriversException(ex, SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE);
	}

	@Test
	void foreignKeyNotNullCheckAndTriggerViolationsHaveTheirOwnStates() throws Exception {
		KiwiDataSource dataSource = open();
		record Case(String sql, String sqlState, SQLiteErrorCode resultCode) {
		}
		for (Case violation : List.of(
				new Case("INSERT INTO child VALUES (1, 99)", "23503", SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY),
				new Case("INSERT INTO parent VALUES (2, NULL, 1)", "23502", SQLiteErrorCode.SQLITE_CONSTRAINT_NOTNULL),
				new Case("INSERT INTO parent VALUES (2, 'lime', -1)", "23514", SQLiteErrorCode.SQLITE_CONSTRAINT_CHECK),
				new Case("INSERT INTO parent VALUES (2, '-lime', 1)", "23000", SQLiteErrorCode.SQLITE_CONSTRAINT_TRIGGER))) {
			SQLException ex = failure(dataSource, violation.sql());
			assertThat((Throwable) ex).as(violation.sql()).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(ex.getSQLState()).as(violation.sql()).isEqualTo(violation.sqlState());
			assertKeepsTheDriversException(ex, violation.resultCode());
		}
		try (Connection connection = dataSource.getConnection()) {
			assertThat(count(connection, "SELECT count(*) FROM parent")).isEqualTo(1);
			assertThat(count(connection, "SELECT count(*) FROM child")).isZero();
		}
	}

	@Test
	void aPreparedStatementsViolationIsMappedToo() throws Exception {
		KiwiDataSource dataSource = open();
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO code VALUES (?)")) {
			insert.setString(1, "K1");
			SQLException single = catchThrowableOfType(SQLException.class, insert::executeUpdate);
			assertThat((Throwable) single).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(single.getSQLState()).isEqualTo("23505");

			insert.setString(1, "K2");
			insert.addBatch();
			insert.setString(1, "K1");
			insert.addBatch();
			SQLException batch = catchThrowableOfType(SQLException.class, insert::executeBatch);
			assertThat((Throwable) batch).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(batch.getSQLState()).isEqualTo("23505");
		}
	}

	@Test
	void aStatementBatchKeepsItsUpdateCountsAndGainsTheEntrysState() throws Exception {
		KiwiDataSource dataSource = open();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.addBatch("INSERT INTO code VALUES ('K2')");
			statement.addBatch("INSERT INTO code VALUES ('K1')");
			BatchUpdateException ex = catchThrowableOfType(BatchUpdateException.class, statement::executeBatch);

			assertThat(ex.getSQLState()).isEqualTo("23505");
			assertThat(ex.getErrorCode()).isEqualTo(SQLiteErrorCode.SQLITE_CONSTRAINT.code);
			assertThat(ex.getMessage()).startsWith("batch entry 1: ").contains("SQLITE_CONSTRAINT_PRIMARYKEY");
			assertThat(ex.getCause()).as("the driver's batch failure").isInstanceOf(BatchUpdateException.class);
			// sqlite-jdbc counts the failed entry as 0.
			assertThat(ex.getLargeUpdateCounts()).containsExactly(1L, 0L)
				.isEqualTo(((BatchUpdateException) ex.getCause()).getLargeUpdateCounts());
			assertThat((Throwable) ex.getNextException()).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(ex.getNextException().getSQLState()).isEqualTo("23505");
			assertThat(ex.getNextException().getCause()).isInstanceOf(SQLiteException.class);
		}
	}

	@Test
	void aDeferredForeignKeyRefusedAtCommitIsAnIntegrityViolationAndTheRollbackStillWorks() throws Exception {
		KiwiDataSource dataSource = open();
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			execute(connection, "INSERT INTO late_child VALUES (1, 99)");
			SQLException ex = catchThrowableOfType(SQLException.class, connection::commit);

			assertThat((Throwable) ex).isInstanceOf(SQLIntegrityConstraintViolationException.class);
			assertThat(ex.getSQLState()).isEqualTo("23503");
			assertKeepsTheDriversException(ex, SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY);
			connection.rollback();
			connection.setAutoCommit(true);
			assertThat(count(connection, "SELECT count(*) FROM late_child")).isZero();
		}
	}

	@Test
	void valuesSqliteCantStoreAreDataExceptions() throws Exception {
		KiwiDataSource dataSource = open();
		SQLException mismatch = failure(dataSource, "INSERT INTO parent VALUES ('not a number', 'lime', 1)");
		assertThat((Throwable) mismatch).isInstanceOf(SQLDataException.class);
		assertThat(mismatch.getSQLState()).isEqualTo("22000");
		assertKeepsTheDriversException(mismatch, SQLiteErrorCode.SQLITE_MISMATCH);

		try (Connection connection = dataSource.getConnection()) {
			connection.unwrap(SQLiteConnection.class).setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, 100);
			try {
				SQLException tooBig = catchThrowableOfType(SQLException.class,
						() -> execute(connection, "INSERT INTO code VALUES (printf('%.200c', 'x'))"));
				assertThat((Throwable) tooBig).isInstanceOf(SQLDataException.class);
				assertThat(tooBig.getSQLState()).isEqualTo("22001");
				assertKeepsTheDriversException(tooBig, SQLiteErrorCode.SQLITE_TOOBIG);
			}
			finally {
				connection.unwrap(SQLiteConnection.class).setLimit(SQLiteLimits.SQLITE_LIMIT_LENGTH, 1_000_000_000);
			}
		}
	}

	/**
	 * Another process's connection holds the write lock: kiwi-db's writer waits its busy timeout,
	 * then fails with a transient lock failure, whether the statement runs on its own or begins a
	 * transaction; once the lock is free the same connection writes.
	 */
	@Test
	void aWriteLockHeldByAnotherConnectionIsATransientLockFailure() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.processExclusive(false)
			.busyTimeout(Duration.ofMillis(50)));
		try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve("app.db"));
				Connection connection = dataSource.getConnection()) {
			execute(other, "BEGIN IMMEDIATE");

			SQLException alone = catchThrowableOfType(SQLException.class,
					() -> execute(connection, "INSERT INTO code VALUES ('K2')"));
			connection.setAutoCommit(false);
			SQLException atBegin = catchThrowableOfType(SQLException.class,
					() -> execute(connection, "INSERT INTO code VALUES ('K3')"));

			for (SQLException ex : List.of(alone, atBegin)) {
				assertThat((Throwable) ex).isInstanceOf(SQLTransactionRollbackException.class);
				assertThat(ex.getSQLState()).isEqualTo("40001");
				assertThat(ex.getMessage()).contains("database is locked");
				assertKeepsTheDriversException(ex, SQLiteErrorCode.SQLITE_BUSY);
			}
			execute(other, "ROLLBACK");
			execute(connection, "INSERT INTO code VALUES ('K3')");
			connection.commit();
			connection.setAutoCommit(true);
			assertThat(count(connection, "SELECT count(*) FROM code")).isEqualTo(2);
		}
	}

	@Test
	void aWriteOnAReadOnlyConnectionSaysSoAsAReadOnlyTransactionState() throws Exception {
		KiwiDataSource dataSource = open((settings) -> settings.readers(1));
		try (Connection reader = dataSource.readOnlyDataSource().orElseThrow().getConnection()) {
			assertReadOnlyRefusal(
					catchThrowableOfType(SQLException.class, () -> execute(reader, "INSERT INTO code VALUES ('K2')")));
		}
		try (Connection writer = dataSource.getConnection()) {
			writer.setReadOnly(true);
			assertReadOnlyRefusal(
					catchThrowableOfType(SQLException.class, () -> execute(writer, "INSERT INTO code VALUES ('K2')")));
			writer.setReadOnly(false);
			execute(writer, "INSERT INTO code VALUES ('K2')");
		}
	}

	private static void assertReadOnlyRefusal(SQLException ex) {
		assertThat((Throwable) ex).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
		assertThat(WriteFence.Refusal.in(ex)).as("a write where none may be: not the fence's refusal").isNull();
		assertThat(ex.getSQLState()).isEqualTo("25006");
		assertThat(ex.getMessage()).startsWith("A read-only transaction tried to write: ")
			.contains("attempt to write a readonly database");
		assertThat(ex.getErrorCode()).isEqualTo(SQLiteErrorCode.SQLITE_READONLY.code);
		assertThat(ex.getCause()).isInstanceOf(SQLiteException.class);
	}

	@Test
	void aFullDatabaseIsADiskFullState() throws Exception {
		KiwiDataSource dataSource = open();
		try (Connection connection = dataSource.getConnection()) {
			execute(connection, "CREATE TABLE big (v TEXT)");
			execute(connection, "PRAGMA max_page_count = " + count(connection, "PRAGMA page_count"));
			SQLException ex = null;
			for (int i = 0; i < 100 && ex == null; i++) {
				ex = catchThrowableOfType(SQLException.class,
						() -> execute(connection, "INSERT INTO big VALUES (printf('%.3000c', 'x'))"));
			}
			execute(connection, "PRAGMA max_page_count = 1000000");

			assertThat((Throwable) ex).as("a write refused for lack of space").isNotNull();
			assertThat(ex.getSQLState()).isEqualTo("53100");
			assertKeepsTheDriversException(ex, SQLiteErrorCode.SQLITE_FULL);
		}
	}

	@Test
	void whatMeansNothingStandardIsTheDriversOwnException() throws Exception {
		SQLException ex = failure(open(), "SELEC 1");
		assertThat((Throwable) ex).isExactlyInstanceOf(SQLiteException.class);
		assertThat(ex.getSQLState()).isNull();
		assertThat(ex.getErrorCode()).isEqualTo(SQLiteErrorCode.SQLITE_ERROR.code);
	}

	@Test
	void theWriteFenceRefusesTransientlyUntilDeposedAndThenForGood() throws Exception {
		KiwiDataSource dataSource = open();
		WriteFence fence = dataSource.writeFence();
		fence.allowUntil(System.nanoTime() - 1, "the claim on the replica could not be renewed");
		SQLException expired = failure(dataSource, "INSERT INTO code VALUES ('K2')");
		assertThat((Throwable) expired).isInstanceOf(SQLTransientConnectionException.class);
		assertThat(expired.getSQLState()).isEqualTo(WriteFence.SQL_STATE);
		assertThat(expired.getMessage()).isEqualTo("the claim on the replica could not be renewed");
		assertThat(WriteFence.Refusal.in(new RuntimeException("wrapped", expired))).isSameAs(expired);

		fence.allowUntil(System.nanoTime() + TimeUnit.HOURS.toNanos(1), "unused");
		try (Connection connection = dataSource.getConnection()) {
			execute(connection, "INSERT INTO code VALUES ('K2')");
		}

		fence.depose("another node holds the claim");
		SQLException deposed = failure(dataSource, "INSERT INTO code VALUES ('K3')");
		assertThat((Throwable) deposed).isInstanceOf(SQLInvalidAuthorizationSpecException.class);
		assertThat(deposed.getSQLState()).isEqualTo(WriteFence.SQL_STATE);
		assertThat(deposed.getMessage()).isEqualTo("another node holds the claim");
		assertThat(WriteFence.Refusal.in(deposed)).isSameAs(deposed);
	}

	/**
	 * The fence rising while a commit runs (here: from SQLite's commit hook): the commit is in the
	 * file but not acknowledged, an exception that is not transient, since a retry would commit the
	 * same work twice.
	 */
	@Test
	void aCommitTheFenceRoseDuringIsNotAcknowledgedAndNotTransient() throws Exception {
		KiwiDataSource dataSource = open();
		WriteFence fence = dataSource.writeFence();
		try (Connection connection = dataSource.getConnection()) {
			SQLiteCommitListener deposeOnCommit = new SQLiteCommitListener() {

				@Override
				public void onCommit() {
					fence.depose("another node holds the claim");
				}

				@Override
				public void onRollback() {
				}

			};
			SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
			sqlite.addCommitListener(deposeOnCommit);
			try {
				connection.setAutoCommit(false);
				execute(connection, "INSERT INTO code VALUES ('K2')");
				SQLException ex = catchThrowableOfType(SQLException.class, connection::commit);

				assertThat((Throwable) ex).isInstanceOf(SQLNonTransientException.class);
				assertThat(ex.getSQLState()).isEqualTo(WriteFence.SQL_STATE);
				assertThat(ex.getMessage()).isEqualTo("The transaction was committed to the local file but is not "
						+ "acknowledged, because the write fence rose while it committed: another node holds the claim");
				assertThat(WriteFence.Refusal.in(ex)).as("not a refusal: a retry would do the work twice").isNull();
			}
			finally {
				sqlite.removeCommitListener(deposeOnCommit);
			}
		}
		try (Connection reader = dataSource.readOnlyDataSource().orElseThrow().getConnection()) {
			assertThat(count(reader, "SELECT count(*) FROM code")).as("committed to the file").isEqualTo(2);
		}
	}

}
