package io.kiwistack.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kiwistack.db.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

/**
 * {@link KiwiDataSource} over real SQLite files: one writer lent in arrival order, the reset a
 * returned connection gets, and what opening and closing leave on disk.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KiwiDataSourceTests {

	private static final long WAIT_SECONDS = 5;

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeDataSources() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	private Path dbPath() {
		return this.dir.resolve("app.db");
	}

	private KiwiDataSource open() throws SQLException {
		return open(UnaryOperator.identity());
	}

	private KiwiDataSource open(UnaryOperator<KiwiDbSettings.Builder> customizer) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(customizer.apply(KiwiDbSettings.builder(dbPath().toString())).build());
		this.opened.add(dataSource);
		return dataSource;
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** {@code CREATE TABLE t (v TEXT)} through the data source. */
	private static void createTable(KiwiDataSource dataSource) throws SQLException {
		try (Connection setup = dataSource.getConnection()) {
			execute(setup, "CREATE TABLE t (v TEXT)");
		}
	}

	/** A plain sqlite-jdbc connection of another party, which fails at once on a lock it can't get. */
	private Connection impatientOtherConnection() throws SQLException {
		Connection other = DriverManager.getConnection("jdbc:sqlite:" + dbPath());
		execute(other, "PRAGMA busy_timeout = 0");
		return other;
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			assertThat(rows.next()).as("a row from %s", sql).isTrue();
			return rows.getString(1);
		}
	}

	private static long count(Connection connection, String table) throws SQLException {
		return Long.parseLong(queryString(connection, "SELECT count(*) FROM " + table));
	}

	/** A named thread running {@code work}, with its outcome. */
	private record Worker<T>(Thread thread, CompletableFuture<T> result) {

		T await() throws Exception {
			try {
				return this.result.get(WAIT_SECONDS, TimeUnit.SECONDS);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof Exception cause) {
					throw cause;
				}
				if (ex.getCause() instanceof Error error) {
					throw error;
				}
				throw ex;
			}
		}

	}

	private static <T> Worker<T> startThread(String name, Callable<T> work) {
		CompletableFuture<T> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(work.call());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
		return new Worker<>(thread, result);
	}

	/** Wait, bounded, until {@code thread} is parked with a timeout: waiting for the writer. */
	private static void awaitWaiting(Thread thread) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
		while (thread.getState() != Thread.State.TIMED_WAITING) {
			assertThat(System.nanoTime()).as("%s starts waiting for the writer", thread.getName()).isLessThan(deadline);
			assertThat(thread.isAlive()).as("%s is still alive", thread.getName()).isTrue();
			Thread.sleep(2);
		}
	}

	@Nested
	class OneWriter {

		@Test
		void waitingThreadGetsTheConnectionRightAfterTheHolderGivesItBack() throws Exception {
			KiwiDataSource dataSource = open();
			CountDownLatch aHolds = new CountDownLatch(1);
			CountDownLatch aMayGiveBack = new CountDownLatch(1);
			CountDownLatch bHasIt = new CountDownLatch(1);
			Worker<Long> a = startThread("holder-a", () -> {
				try (Connection connection = dataSource.getConnection()) {
					execute(connection, "CREATE TABLE t (v TEXT)");
					aHolds.countDown();
					assertThat(aMayGiveBack.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
					assertThat(bHasIt.getCount()).as("B must not get the connection while A holds it").isEqualTo(1);
				}
				return System.nanoTime();
			});
			assertThat(aHolds.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
			Worker<Long> b = startThread("waiter-b", () -> {
				try (Connection connection = dataSource.getConnection()) {
					long gotIt = System.nanoTime();
					bHasIt.countDown();
					execute(connection, "INSERT INTO t VALUES ('from b')");
					return gotIt;
				}
			});
			awaitWaiting(b.thread());
			assertThat(bHasIt.await(100, TimeUnit.MILLISECONDS)).as("B still waits while A holds it").isFalse();

			aMayGiveBack.countDown();
			long aGaveBack = a.await();
			long bGotIt = b.await();

			assertThat(bGotIt).isGreaterThanOrEqualTo(aGaveBack - TimeUnit.MILLISECONDS.toNanos(50));
			assertThat(Duration.ofNanos(bGotIt - aGaveBack)).isLessThan(Duration.ofSeconds(1));
			try (Connection connection = dataSource.getConnection()) {
				assertThat(count(connection, "t")).isEqualTo(1);
			}
		}

		@Test
		void anInterruptedThreadGetsAFreeWriterButCantWaitForAHeldOne() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.acquireTimeout(Duration.ofSeconds(WAIT_SECONDS)));
			// Free: handed out, as HikariCP hands a free connection to an interrupted thread (Quartz's
			// scheduler releases its triggers that way while it stops); the interrupt stays set.
			Worker<Boolean> free = startThread("interrupted-free", () -> {
				Thread.currentThread().interrupt();
				try (Connection connection = dataSource.getConnection()) {
					execute(connection, "CREATE TABLE t (v TEXT)");
				}
				return Thread.currentThread().isInterrupted();
			});
			assertThat(free.await()).as("the interrupt is kept for the caller").isTrue();

			try (Connection held = dataSource.getConnection()) {
				Worker<Void> waiting = startThread("interrupted-waiting", () -> {
					Thread.currentThread().interrupt();
					try (Connection connection = dataSource.getConnection()) {
						return null;
					}
				});
				assertThatThrownBy(waiting::await).isInstanceOf(SQLTransientConnectionException.class)
					.hasMessage("Interrupted while waiting for the kiwi-db writer connection");
			}
		}

		@Test
		void waitersAreServedInArrivalOrder() throws Exception {
			KiwiDataSource dataSource = open();
			List<Integer> served = new CopyOnWriteArrayList<>();
			List<Worker<Void>> waiters = new ArrayList<>();
			try (Connection held = dataSource.getConnection()) {
				for (int i = 0; i < 5; i++) {
					int arrival = i;
					Worker<Void> waiter = startThread("waiter-" + i, () -> {
						try (Connection connection = dataSource.getConnection()) {
							served.add(arrival);
						}
						return null;
					});
					awaitWaiting(waiter.thread());
					Thread.sleep(20);
					waiters.add(waiter);
				}
				assertThat(served).as("nobody is served while the connection is held").isEmpty();
			}
			for (Worker<Void> waiter : waiters) {
				waiter.await();
			}
			assertThat(served).containsExactly(0, 1, 2, 3, 4);
		}

		@Test
		void waiterTimesOutNamingTheHolderAndHowLongItHeldTheConnection() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.acquireTimeout(Duration.ofMillis(200)));
			CountDownLatch holds = new CountDownLatch(1);
			CountDownLatch mayGiveBack = new CountDownLatch(1);
			Worker<Void> holder = startThread("slow-report-job", () -> {
				try (Connection connection = dataSource.getConnection()) {
					holds.countDown();
					mayGiveBack.await(WAIT_SECONDS, TimeUnit.SECONDS);
				}
				return null;
			});
			try {
				assertThat(holds.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
				long start = System.nanoTime();
				Throwable failure = catchThrowable(dataSource::getConnection);
				Duration waited = Duration.ofNanos(System.nanoTime() - start);

				assertThat(failure).isInstanceOf(SQLTransientConnectionException.class)
					.hasMessageContaining("Timed out after 200 ms")
					.hasMessageContaining("thread 'slow-report-job' has held it for");
				assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(190)).isLessThan(Duration.ofSeconds(3));
				Matcher held = Pattern.compile("has held it for (\\d+) ms").matcher(failure.getMessage());
				if (held.find()) {
					assertThat(Long.parseLong(held.group(1))).isGreaterThanOrEqualTo(200);
				}
				else {
					assertThat(failure.getMessage()).containsPattern("has held it for \\d+\\.\\d s");
				}
			}
			finally {
				mayGiveBack.countDown();
				holder.await();
			}
			try (Connection connection = dataSource.getConnection()) {
				assertThat(connection.isValid(1)).as("the writer is usable once the holder gives it back").isTrue();
			}
		}

		@Test
		void closingWhileAThreadHoldsTheWriterWarnsOnceNamingTheHolderAndTheTimeout() throws Exception {
			KiwiDataSource dataSource = KiwiDataSource.open(
					KiwiDbSettings.builder(dbPath().toString()).acquireTimeout(Duration.ofMillis(200)).build());
			CountDownLatch holds = new CountDownLatch(1);
			CountDownLatch mayGiveBack = new CountDownLatch(1);
			Worker<Void> holder = startThread("nightly-export", () -> {
				try (Connection connection = dataSource.getConnection()) {
					holds.countDown();
					mayGiveBack.await(WAIT_SECONDS, TimeUnit.SECONDS);
				}
				return null;
			});
			try (LogCapture log = LogCapture.of(SingleWriter.class.getName())) {
				assertThat(holds.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
				dataSource.close();
				assertThat(log.records()).hasSize(1);
				assertThat(log.records().get(0)).matches(Pattern.quote(SingleWriter.class.getName() + " WARNING "
						+ "Closing the kiwi-db writer connection without waiting longer for it (waited 200 ms, "
						+ "kiwi.db.pool.acquire-timeout): thread 'nightly-export' has held it for ") + "(\\d+ ms|\\d+\\.\\d s)");
			}
			finally {
				mayGiveBack.countDown();
				holder.await();
			}
		}

		@Test
		void nestedBorrowOnTheSameThreadFailsAtOnceAndLeavesTheOuterHandleWorking() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection outer = dataSource.getConnection()) {
				execute(outer, "CREATE TABLE t (v TEXT)");
				outer.setAutoCommit(false);
				execute(outer, "INSERT INTO t VALUES ('outer')");

				long start = System.nanoTime();
				assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLNonTransientConnectionException.class)
					.hasMessageContaining("REQUIRES_NEW")
					.hasMessageContaining(Thread.currentThread().getName());
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

				execute(outer, "INSERT INTO t VALUES ('still outer')");
				outer.commit();
				assertThat(count(outer, "t")).isEqualTo(2);
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(count(next, "t")).isEqualTo(2);
			}
		}

	}

	@Nested
	class SameThreadBorrows {

		@Test
		void aSecondBorrowWithoutAnOpenTransactionSharesTheWriterAndItsTransactionCommits() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection outer = dataSource.getConnection()) {
				execute(outer, "CREATE TABLE t (v TEXT)");
				// As after an outer transaction committed, or before its first statement.
				outer.setAutoCommit(false);
				try (Connection inner = dataSource.getConnection()) {
					inner.setAutoCommit(false);
					execute(inner, "INSERT INTO t VALUES ('inner')");
					inner.commit();
					inner.setAutoCommit(true);
				}
				execute(outer, "INSERT INTO t VALUES ('outer')");
				outer.rollback();
				assertThat(count(outer, "t")).as("the inner commit stands; the outer rollback undid only its own")
					.isEqualTo(1);
			}
			assertThat(dataSource.writerWaitStatistics().acquisitions()).as("the writer was taken once").isEqualTo(1);
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.getAutoCommit()).isTrue();
				assertThat(count(next, "t")).isEqualTo(1);
			}
		}

		@Test
		void aCursorReadOnTheFirstHandleGoesOnWhileTheSecondCommitsWrites() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection setup = dataSource.getConnection()) {
				execute(setup, "CREATE TABLE source (id INTEGER PRIMARY KEY)");
				execute(setup, "CREATE TABLE target (id INTEGER PRIMARY KEY)");
				execute(setup, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100) "
						+ "INSERT INTO source SELECT x FROM n");
			}
			try (Connection reader = dataSource.getConnection();
					Statement cursor = reader.createStatement();
					ResultSet rows = cursor.executeQuery("SELECT id FROM source ORDER BY id")) {
				int copied = 0;
				while (rows.next()) {
					try (Connection chunk = dataSource.getConnection()) {
						chunk.setAutoCommit(false);
						execute(chunk, "INSERT INTO target VALUES (" + rows.getLong(1) + ")");
						chunk.commit();
						chunk.setAutoCommit(true);
					}
					copied++;
				}
				assertThat(copied).isEqualTo(100);
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(count(next, "target")).isEqualTo(100);
			}
		}

		@Test
		void aTransactionThatOnlyReadIsEndedSoThatASecondHandleCanWrite() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection setup = dataSource.getConnection()) {
				execute(setup, "CREATE TABLE t (v TEXT)");
			}
			try (Connection reader = dataSource.getConnection()) {
				reader.setAutoCommit(false);
				assertThat(count(reader, "t")).isZero();
				try (Connection writer = dataSource.getConnection()) {
					execute(writer, "INSERT INTO t VALUES ('second')");
				}
				assertThat(count(reader, "t")).as("the reader's next statement sees the second handle's commit")
					.isEqualTo(1);
				execute(reader, "INSERT INTO t VALUES ('first')");
				reader.rollback();
				assertThat(count(reader, "t")).as("the first handle's rollback undoes only its own write").isEqualTo(1);
			}
		}

		@Test
		void aTransactionThatChangedTheSchemaIsNotEndedForASecondHandle() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				first.setAutoCommit(false);
				execute(first, "CREATE TABLE t (v TEXT)");
				assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLNonTransientConnectionException.class)
					.hasMessageContaining("while a transaction it opened on the first is still open");
				first.rollback();
				assertThat(first.getMetaData().getTables(null, null, "t", null).next()).isFalse();
			}
		}

		@Test
		void aStatementOfOneHandleInsideTheOtherHandlesTransactionFailsAtOnce() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				execute(first, "CREATE TABLE t (v TEXT)");
				try (Connection second = dataSource.getConnection()) {
					first.setAutoCommit(false);
					execute(first, "INSERT INTO t VALUES ('first')");
					assertThatThrownBy(() -> execute(second, "INSERT INTO t VALUES ('second')"))
						.isInstanceOf(SQLNonTransientConnectionException.class)
						.hasMessageContaining("would silently become part of that transaction");
					assertThatThrownBy(second::commit).isInstanceOf(SQLNonTransientConnectionException.class);
					first.commit();
					execute(second, "INSERT INTO t VALUES ('second, after')");
				}
				assertThat(count(first, "t")).isEqualTo(2);
			}
		}

		@Test
		void aSecondHandleGivenBackWithItsTransactionOpenRollsBackOnlyItsOwn() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				execute(first, "CREATE TABLE t (v TEXT)");
				try (Connection second = dataSource.getConnection()) {
					second.setAutoCommit(false);
					execute(second, "INSERT INTO t VALUES ('never committed')");
				}
				assertThat(first.getAutoCommit()).isTrue();
				assertThat(count(first, "t")).isZero();
				execute(first, "INSERT INTO t VALUES ('first')");
				assertThat(count(first, "t")).isEqualTo(1);
			}
		}

	}

	@Nested
	class ResetOnReturn {

		@Test
		void openTransactionIsRolledBackAndAutoCommitRestored() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				execute(first, "CREATE TABLE t (v TEXT)");
				first.setAutoCommit(false);
				execute(first, "INSERT INTO t VALUES ('never committed')");
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.getAutoCommit()).isTrue();
				assertThat(count(next, "t")).isZero();
			}
		}

		@Test
		void readOnlyHandleRefusesWritesAndTheNextBorrowerCanWriteAgain() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection readOnly = dataSource.getConnection()) {
				readOnly.setReadOnly(true);
				assertThat(readOnly.isReadOnly()).isTrue();
				assertThat(queryString(readOnly, "PRAGMA query_only")).isEqualTo("1");
				assertThatThrownBy(() -> execute(readOnly, "INSERT INTO t VALUES ('refused')"))
					.isInstanceOf(SQLException.class)
					.hasMessageContaining("SQLITE_READONLY");
				assertThat(count(readOnly, "t")).isZero();
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.isReadOnly()).isFalse();
				assertThat(queryString(next, "PRAGMA query_only")).isEqualTo("0");
				execute(next, "INSERT INTO t VALUES ('written')");
				assertThat(count(next, "t")).isEqualTo(1);
			}
		}

		@Test
		void transactionBegunWithSqlIsRolledBackOnReturn() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				execute(first, "CREATE TABLE t (v TEXT)");
				execute(first, "BEGIN");
				execute(first, "INSERT INTO t VALUES ('never committed')");
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(count(next, "t")).isZero();
				assertThatCode(() -> {
					execute(next, "BEGIN");
					execute(next, "ROLLBACK");
				}).doesNotThrowAnyException();
			}
		}

		@Test
		void transactionIsolationIsRestoredToSerializable() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection first = dataSource.getConnection()) {
				assertThat(first.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
				first.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
				assertThat(first.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_UNCOMMITTED);
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
				assertThat(queryString(next, "PRAGMA read_uncommitted")).isEqualTo("0");
			}
		}

		@Test
		void statementsAndResultSetsLeftOpenAreClosedOnReturn() throws Exception {
			KiwiDataSource dataSource = open();
			Statement statement;
			ResultSet rows;
			PreparedStatement prepared;
			ResultSet preparedRows;
			try (Connection connection = dataSource.getConnection()) {
				statement = connection.createStatement();
				rows = statement.executeQuery("SELECT 1 UNION ALL SELECT 2");
				assertThat(rows.next()).isTrue();
				prepared = connection.prepareStatement("SELECT ?");
				prepared.setInt(1, 7);
				preparedRows = prepared.executeQuery();
				assertThat(preparedRows.next()).isTrue();
				assertThat(statement.isClosed()).isFalse();
				assertThat(rows.isClosed()).isFalse();
			}
			assertThat(statement.isClosed()).isTrue();
			assertThat(rows.isClosed()).isTrue();
			assertThat(prepared.isClosed()).isTrue();
			assertThat(preparedRows.isClosed()).isTrue();
		}

	}

	@Nested
	class Handles {

		@Test
		void closedHandleRefusesCallsAndClosingTwiceIsHarmless() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.acquireTimeout(Duration.ofMillis(200)));
			Connection handle = dataSource.getConnection();
			handle.close();

			assertThat(handle.isClosed()).isTrue();
			assertThatThrownBy(handle::createStatement).isInstanceOf(SQLException.class)
				.hasMessageContaining("closed");
			assertThatThrownBy(() -> handle.prepareStatement("SELECT 1")).isInstanceOf(SQLException.class);
			assertThatThrownBy(() -> handle.setAutoCommit(false)).isInstanceOf(SQLException.class);
			assertThatThrownBy(handle::commit).isInstanceOf(SQLException.class);
			assertThatThrownBy(handle::isReadOnly).isInstanceOf(SQLException.class);
			assertThatThrownBy(() -> handle.unwrap(SQLiteConnection.class)).isInstanceOf(SQLException.class);
			assertThat(handle.isValid(1)).isFalse();

			assertThatCode(handle::close).doesNotThrowAnyException();
			assertThat(handle.isClosed()).isTrue();

			// Closing twice must not give the one writer back twice: there is still only one.
			try (Connection held = dataSource.getConnection()) {
				Worker<Connection> other = startThread("second-borrower", dataSource::getConnection);
				assertThatThrownBy(other::await).isInstanceOf(SQLTransientConnectionException.class);
				assertThat(held.isValid(1)).isTrue();
			}
		}

		@Test
		void brokenConnectionIsReplacedAndTheNextBorrowerSeesCommittedData() throws Exception {
			KiwiDataSource dataSource = open();
			SQLiteConnection broken;
			try (LogCapture log = LogCapture.of(SingleWriter.class.getName())) {
				try (Connection connection = dataSource.getConnection()) {
					execute(connection, "CREATE TABLE t (v TEXT)");
					execute(connection, "INSERT INTO t VALUES ('committed before the break')");
					broken = connection.unwrap(SQLiteConnection.class);
					broken.close();
				}
				assertThat(log.records()).singleElement().asString()
					.contains("WARNING Replacing the kiwi-db writer connection: it could not be reset",
							"the connection was closed underneath its handle");
			}
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.unwrap(SQLiteConnection.class)).isNotSameAs(broken);
				assertThat(next.isValid(1)).isTrue();
				assertThat(queryString(next, "SELECT v FROM t")).isEqualTo("committed before the break");
				assertThat(queryString(next, "PRAGMA journal_mode")).isEqualTo("wal");
				assertThat(queryString(next, "PRAGMA foreign_keys")).isEqualTo("1");
				execute(next, "INSERT INTO t VALUES ('after')");
				assertThat(count(next, "t")).isEqualTo(2);
			}
		}

		@Test
		void manyStatementsInOneBorrowDoNotAccumulate() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection connection = dataSource.getConnection()) {
				LentConnection lent = (LentConnection) connection;
				for (int i = 0; i < 10_000; i++) {
					try (PreparedStatement statement = connection.prepareStatement("SELECT ?")) {
						statement.setInt(1, i);
						try (ResultSet rows = statement.executeQuery()) {
							assertThat(rows.next()).isTrue();
							assertThat(rows.getInt(1)).isEqualTo(i);
						}
					}
				}
				assertThat(lent.openStatementCount()).isLessThan(100).isZero();
				for (int i = 0; i < 1_000; i++) {
					try (Statement statement = connection.createStatement()) {
						statement.execute("SELECT 1");
					}
				}
				assertThat(lent.openStatementCount()).isZero();
				Statement leftOpen = connection.createStatement();
				assertThat(lent.openStatementCount()).isEqualTo(1);
				leftOpen.close();
				assertThat(lent.openStatementCount()).isZero();
			}
		}

		@Test
		void handleGivenBackAfterTheDataSourceClosedUnderItDoesNotThrow() throws Exception {
			KiwiDataSource dataSource = open((builder) -> builder.acquireTimeout(Duration.ofMillis(200)));
			Connection handle = dataSource.getConnection();
			// close() waits the acquire timeout for the holder, then closes the connection anyway.
			try (LogCapture log = LogCapture.of(SingleWriter.class.getName())) {
				dataSource.close();
				assertThat(log.records()).singleElement().asString()
					.contains("WARNING Closing the kiwi-db writer connection without waiting longer for it (waited 200 ms, "
							+ "kiwi.db.pool.acquire-timeout): thread '" + Thread.currentThread().getName()
							+ "' has held it for");
			}

			assertThatCode(handle::close).doesNotThrowAnyException();
			assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLNonTransientConnectionException.class)
				.hasMessageContaining("closed");
		}

	}

	@Nested
	class Transactions {

		@Test
		void aTransactionBeginsWithItsFirstStatementAndEndsAtCommitWithoutBeginningTheNext() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection other = impatientOtherConnection()) {
				try (Connection kiwi = dataSource.getConnection()) {
					kiwi.setAutoCommit(false);
					assertThat(kiwi.getAutoCommit()).isFalse();
					// Nothing ran yet, so nothing is locked.
					execute(other, "BEGIN IMMEDIATE");
					execute(other, "ROLLBACK");
					execute(kiwi, "INSERT INTO t VALUES ('kept')");
					kiwi.commit();
					assertThat(kiwi.getAutoCommit()).as("still in manual commit mode").isFalse();
					// sqlite-jdbc alone would have begun the next IMMEDIATE transaction here.
					execute(other, "BEGIN IMMEDIATE");
					execute(other, "ROLLBACK");
					execute(kiwi, "INSERT INTO t VALUES ('rolled back')");
					assertThatThrownBy(() -> execute(other, "BEGIN IMMEDIATE")).isInstanceOf(SQLException.class)
						.hasMessageContaining("SQLITE_BUSY");
					kiwi.rollback();
					assertThat(count(kiwi, "t")).isOne();
					kiwi.commit();
					kiwi.setAutoCommit(true);
					assertThat(kiwi.getAutoCommit()).isTrue();
				}
				assertThat(queryString(other, "SELECT group_concat(v) FROM t")).isEqualTo("kept");
			}
		}

		@Test
		void aFailedCommitLeavesTheTransactionOpenForTheRollback() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection kiwi = dataSource.getConnection()) {
				execute(kiwi, "CREATE TABLE parent (id INTEGER PRIMARY KEY)");
				execute(kiwi, "CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)");
				kiwi.setAutoCommit(false);
				execute(kiwi, "INSERT INTO child VALUES (42)");
				assertThatThrownBy(kiwi::commit).isInstanceOf(SQLException.class).hasMessageContaining("FOREIGN KEY");
				assertThat(kiwi.getAutoCommit()).isFalse();
				kiwi.rollback();
				assertThat(count(kiwi, "child")).isZero();
				execute(kiwi, "INSERT INTO parent VALUES (42)");
				execute(kiwi, "INSERT INTO child VALUES (42)");
				kiwi.commit();
				kiwi.setAutoCommit(true);
			}
			try (Connection kiwi = dataSource.getConnection()) {
				assertThat(count(kiwi, "child")).isOne();
			}
		}

		@Test
		void aBeginThatFailsLeavesNoTransactionAndTheNextStatementTriesAgain() throws Exception {
			KiwiDataSource dataSource = open((settings) -> settings.processExclusive(false)
				.busyTimeout(java.time.Duration.ofMillis(100)));
			createTable(dataSource);
			try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dbPath());
					Connection kiwi = dataSource.getConnection()) {
				execute(other, "BEGIN IMMEDIATE");
				kiwi.setAutoCommit(false);
				assertThatThrownBy(() -> execute(kiwi, "INSERT INTO t VALUES ('a')")).isInstanceOf(SQLException.class)
					.hasMessageContaining("SQLITE_BUSY");
				execute(other, "ROLLBACK");
				assertThat(kiwi.getAutoCommit()).isFalse();
				execute(kiwi, "INSERT INTO t VALUES ('b')");
				kiwi.rollback();
				assertThat(count(kiwi, "t")).as("rows after the rollback").isZero();
				kiwi.setAutoCommit(true);
			}
		}

		@Test
		void aRollbackDoesNotBeginTheNextTransaction() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection other = impatientOtherConnection(); Connection kiwi = dataSource.getConnection()) {
				kiwi.setAutoCommit(false);
				execute(kiwi, "INSERT INTO t VALUES ('undone')");
				kiwi.rollback();
				// The driver's rollback() alone would hold the write lock again here.
				execute(other, "BEGIN IMMEDIATE");
				execute(other, "ROLLBACK");
				assertThat(count(kiwi, "t")).isZero();
				kiwi.setAutoCommit(true);
			}
		}

		@Test
		void commitAndRollbackInAutoCommitModeFailAsTheDriverDoes() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection kiwi = dataSource.getConnection()) {
				assertThatThrownBy(kiwi::commit).isInstanceOf(SQLException.class).hasMessageContaining("auto-commit");
				assertThatThrownBy(kiwi::rollback).isInstanceOf(SQLException.class).hasMessageContaining("auto-commit");
			}
		}

		@Test
		void savepointsWorkInATransactionThatHasNotBegunYet() throws Exception {
			KiwiDataSource dataSource = open();
			try (Connection kiwi = dataSource.getConnection()) {
				execute(kiwi, "CREATE TABLE t (v TEXT)");
				kiwi.setAutoCommit(false);
				java.sql.Savepoint savepoint = kiwi.setSavepoint();
				execute(kiwi, "INSERT INTO t VALUES ('undone')");
				kiwi.rollback(savepoint);
				execute(kiwi, "INSERT INTO t VALUES ('kept')");
				kiwi.commit();
				kiwi.setAutoCommit(true);
				assertThat(queryString(kiwi, "SELECT group_concat(v) FROM t")).isEqualTo("kept");
			}
		}

		@Test
		void writeTransactionTakesTheWriteLockAtBegin() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection other = impatientOtherConnection()) {
				try (Connection kiwi = dataSource.getConnection()) {
					kiwi.setAutoCommit(false);
					// The transaction begins with its first statement, here a read: a deferred BEGIN
					// would hold only a read snapshot now, and the other BEGIN IMMEDIATE would go through.
					assertThat(count(kiwi, "t")).isZero();
					assertThatThrownBy(() -> execute(other, "BEGIN IMMEDIATE")).isInstanceOf(SQLException.class)
						.hasMessageContaining("SQLITE_BUSY");
					kiwi.rollback();
				}
				// Once kiwi-db's transaction has ended the same BEGIN IMMEDIATE goes through.
				execute(other, "BEGIN IMMEDIATE");
				execute(other, "ROLLBACK");
			}
		}

		@Test
		void writeTransactionBeginsImmediateAgainAfterAReadOnlyBorrow() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection readOnly = dataSource.getConnection()) {
				readOnly.setReadOnly(true);
				readOnly.setAutoCommit(false);
				assertThat(count(readOnly, "t")).isZero();
				readOnly.commit();
			}
			try (Connection other = impatientOtherConnection()) {
				try (Connection kiwi = dataSource.getConnection()) {
					assertThat(kiwi.isReadOnly()).isFalse();
					kiwi.setAutoCommit(false);
					assertThat(count(kiwi, "t")).isZero();
					assertThatThrownBy(() -> execute(other, "BEGIN IMMEDIATE")).isInstanceOf(SQLException.class)
						.hasMessageContaining("SQLITE_BUSY");
					kiwi.rollback();
				}
			}
		}

	}

	@Nested
	class Lifecycle {

		@Test
		void closeCheckpointsLeavesOnlyTheDatabaseFileAndRefusesFurtherBorrows() throws Exception {
			KiwiDataSource dataSource = open();
			DatabaseFile file = dataSource.file().orElseThrow();
			try (Connection connection = dataSource.getConnection()) {
				assertThat(queryString(connection, "PRAGMA journal_mode")).isEqualTo("wal");
				execute(connection, "CREATE TABLE t (v TEXT)");
				for (int i = 0; i < 100; i++) {
					execute(connection, "INSERT INTO t VALUES ('row " + i + "')");
				}
			}
			assertThat(file.walFile()).exists();

			dataSource.close();

			assertThat(file.walFile()).doesNotExist();
			assertThat(file.shmFile()).doesNotExist();
			assertThat(dbPath()).exists();
			assertThatThrownBy(dataSource::getConnection).isInstanceOf(SQLNonTransientConnectionException.class)
				.hasMessageContaining("database is closed");
			assertThatCode(dataSource::close).as("closing twice").doesNotThrowAnyException();

			KiwiDataSource reopened = open();
			try (Connection connection = reopened.getConnection()) {
				assertThat(count(connection, "t")).isEqualTo(100);
			}
		}

		@Test
		void openingADatabaseThatSqliteFindsMalformedFailsNamingTheFileAndChangesNothing() throws Exception {
			KiwiDataSource first = open();
			createTable(first);
			first.close();
			byte[] damaged = Files.readAllBytes(dbPath());
			// Page 1's b-tree page type, right after the 100-byte header the file check reads.
			damaged[100] = 0x42;
			Files.write(dbPath(), damaged);
			List<Path> entriesBefore = dirEntries();

			DamagedDatabaseException refused = catchThrowableOfType(DamagedDatabaseException.class,
					() -> KiwiDataSource.open(KiwiDbSettings.builder(dbPath().toString()).build()));

			assertThat(refused).as("open refuses the damaged file").isNotNull();
			assertThat(refused.file()).isEqualTo(dbPath());
			assertThat(refused.problem()).contains("SQLite finds it damaged", "SQLITE_CORRUPT");
			assertThat(refused.getCause()).isInstanceOf(SQLException.class);
			assertThat(Files.readAllBytes(dbPath())).as("the damaged file's bytes").isEqualTo(damaged);
			assertThat(dirEntries()).containsExactlyInAnyOrderElementsOf(entriesBefore);
		}

		@Test
		void openingAFileThatSqliteFindsIsNoDatabaseFailsNamingTheFile() throws Exception {
			try (Connection plain = DriverManager.getConnection("jdbc:sqlite:" + dbPath());
					Statement statement = plain.createStatement()) {
				statement.execute("PRAGMA page_size = 512");
				statement.execute("CREATE TABLE t (v TEXT)");
			}
			byte[] damaged = Files.readAllBytes(dbPath());
			// Reserved bytes at the end of each page, leaving less than SQLite's minimum of 480 usable.
			damaged[20] = 100;
			Files.write(dbPath(), damaged);

			DamagedDatabaseException refused = catchThrowableOfType(DamagedDatabaseException.class,
					() -> KiwiDataSource.open(KiwiDbSettings.builder(dbPath().toString()).build()));

			assertThat(refused).as("open refuses the file").isNotNull();
			assertThat(refused.problem()).contains("SQLite finds it damaged", "SQLITE_NOTADB");
			assertThat(Files.readAllBytes(dbPath())).isEqualTo(damaged);
		}

		@Test
		void statusReportsPathSizesJournalModeAndVersion() throws Exception {
			KiwiDataSource dataSource = open();
			String version;
			try (Connection connection = dataSource.getConnection()) {
				execute(connection, "CREATE TABLE t (v TEXT)");
				execute(connection, "INSERT INTO t VALUES ('x')");
				version = queryString(connection, "SELECT sqlite_version()");
			}
			DatabaseStatus status = dataSource.status();

			assertThat(status.path()).isEqualTo(dbPath().toString());
			assertThat(status.fileSize()).isEqualTo(Files.size(dbPath()));
			assertThat(status.walSize()).isPositive().isEqualTo(Files.size(dataSource.file().orElseThrow().walFile()));
			assertThat(status.journalMode()).isEqualTo("wal");
			assertThat(status.sqliteVersion()).isEqualTo(version).matches("\\d+\\.\\d+\\.\\d+");
		}

		@Test
		void inMemoryDatabaseKeepsDataAcrossBorrowsAndCreatesNoFile() throws Exception {
			KiwiDataSource dataSource = KiwiDataSource.open(KiwiDbSettings.builder(KiwiDbSettings.IN_MEMORY).build());
			this.opened().add(dataSource);
			assertThat(dataSource.file()).isEmpty();
			try (Connection connection = dataSource.getConnection()) {
				execute(connection, "CREATE TABLE t (v TEXT)");
				execute(connection, "INSERT INTO t VALUES ('kept in memory')");
			}
			try (Connection connection = dataSource.getConnection()) {
				assertThat(queryString(connection, "SELECT v FROM t")).isEqualTo("kept in memory");
				assertThat(queryString(connection, "PRAGMA journal_mode")).isEqualTo("memory");
			}
			DatabaseStatus status = dataSource.status();
			assertThat(status.path()).isEqualTo(KiwiDbSettings.IN_MEMORY);
			assertThat(status.fileSize()).isZero();
			assertThat(status.walSize()).isZero();
			assertThat(Path.of(KiwiDbSettings.IN_MEMORY)).doesNotExist();
			assertThat(this.dirEntries()).isEmpty();
		}

		private List<KiwiDataSource> opened() {
			return KiwiDataSourceTests.this.opened;
		}

		private List<Path> dirEntries() throws Exception {
			try (var entries = Files.list(KiwiDataSourceTests.this.dir)) {
				return entries.toList();
			}
		}

	}

	/**
	 * Writes SQLite refuses with {@code SQLITE_FULL}. {@code PRAGMA max_page_count} makes it refuse
	 * them as a full disk does; the forked Kiwi Work tests fill a real one.
	 */
	@Nested
	class WritesRefusedForLackOfSpace {

		private static final String BIG_ROW = "INSERT INTO t VALUES (printf('%.3000c', 'x'))";

		/** Limit the database to the pages it has, so that the next page a write needs is refused. */
		private void fillUp(Connection connection) throws SQLException {
			execute(connection, "PRAGMA max_page_count = " + queryString(connection, "PRAGMA page_count"));
		}

		private void makeRoom(Connection connection) throws SQLException {
			execute(connection, "PRAGMA max_page_count = 1000000");
		}

		private SQLException insertUntilRefused(Connection connection) {
			for (int i = 0; i < 100; i++) {
				try {
					execute(connection, BIG_ROW);
				}
				catch (SQLException ex) {
					assertThat(ex.getErrorCode()).as("error code of %s", ex).isEqualTo(13);
					return ex;
				}
			}
			return fail("no write was refused");
		}

		@Test
		void aRefusedWriteIsReportedAndTheRollbackAfterSqlitesOwnSucceeds() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			assertThat(dataSource.diskFull()).isEmpty();
			Instant before = Instant.now();
			SQLiteConnection writer;
			try (Connection connection = dataSource.getConnection()) {
				writer = connection.unwrap(SQLiteConnection.class);
				fillUp(connection);
				connection.setAutoCommit(false);
				insertUntilRefused(connection);
				// SQLite rolled the transaction back by itself; the caller's rollback still succeeds.
				connection.rollback();
				connection.setAutoCommit(true);
				assertThat(count(connection, "t")).isZero();
			}
			DiskFull diskFull = dataSource.diskFull().orElseThrow();
			assertThat(diskFull.since()).isBetween(before, Instant.now());
			assertThat(diskFull.error()).contains("SQLITE_FULL");
			try (Connection next = dataSource.getConnection()) {
				assertThat(next.unwrap(SQLiteConnection.class)).as("the writer connection, kept").isSameAs(writer);
			}
		}

		@Test
		void readsAndWritesRolledBackLeaveTheReportAndAWriteThatCommitsClearsIt() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection connection = dataSource.getConnection()) {
				fillUp(connection);
				insertUntilRefused(connection);
				Instant since = dataSource.diskFull().orElseThrow().since();

				assertThat(count(connection, "t")).isPositive();
				connection.setAutoCommit(false);
				count(connection, "t");
				connection.commit();
				execute(connection, "INSERT INTO t VALUES ('fits in a page, rolled back')");
				connection.rollback();
				connection.setAutoCommit(true);
				count(connection, "t");
				assertThat(dataSource.diskFull()).as("after reads and a rolled-back write").isPresent();
				insertUntilRefused(connection);
				assertThat(dataSource.diskFull().orElseThrow().since()).as("since the first refusal").isEqualTo(since);

				makeRoom(connection);
				connection.setAutoCommit(false);
				execute(connection, BIG_ROW);
				assertThat(dataSource.diskFull()).as("before the commit").isPresent();
				connection.commit();
				connection.setAutoCommit(true);
				assertThat(dataSource.diskFull()).as("after a write committed").isEmpty();
			}
		}

		@Test
		void aWriteThatCommitsByItselfClearsTheReport() throws Exception {
			KiwiDataSource dataSource = open();
			createTable(dataSource);
			try (Connection connection = dataSource.getConnection()) {
				fillUp(connection);
				insertUntilRefused(connection);
				assertThat(dataSource.diskFull()).isPresent();
				makeRoom(connection);
				execute(connection, BIG_ROW);
				assertThat(dataSource.diskFull()).isEmpty();
			}
		}

	}

	@Test
	void getConnectionWithCredentialsIsNotSupported() throws Exception {
		KiwiDataSource dataSource = open();
		assertThatThrownBy(() -> dataSource.getConnection("sa", "secret"))
			.isInstanceOf(java.sql.SQLFeatureNotSupportedException.class);
	}

}
