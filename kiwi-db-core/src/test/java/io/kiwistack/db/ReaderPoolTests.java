package io.kiwistack.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader connections lent to read-only transactions, on real SQLite files: never more lent at
 * once than there are readers, however many threads borrow; a borrower that finds every one lent
 * waits for the first given back, up to the acquire timeout; a pause waits for lent readers, keeps
 * borrowers out meanwhile, and closes the idle ones.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReaderPoolTests {

	private static final int READERS = 3;

	private static final Duration ACQUIRE_TIMEOUT = Duration.ofMillis(500);

	@TempDir
	Path dir;

	private KiwiDataSource dataSource;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() throws SQLException {
		this.threads.shutdownNow();
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	/** A database of {@value #READERS} readers whose table {@code items} has one row. */
	private DataSource readers() throws SQLException {
		this.dataSource = KiwiDataSource.open(KiwiDbSettings.builder(this.dir.resolve("app.db").toString())
			.readers(READERS)
			.acquireTimeout(ACQUIRE_TIMEOUT)
			.build());
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
			statement.execute("INSERT INTO items (name) VALUES ('first')");
		}
		return this.dataSource.readOnlyDataSource().orElseThrow();
	}

	private static int count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	@Test
	void manyThreadsShareTheReadersNeverHoldingMoreAtOnceThanThereAre() throws Exception {
		DataSource readers = readers();
		int threadCount = 16;
		int transactionsEach = 300;
		AtomicInteger lentNow = new AtomicInteger();
		AtomicInteger mostLent = new AtomicInteger();
		Set<SQLiteConnection> physical = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> results = new ArrayList<>();
		for (int t = 0; t < threadCount; t++) {
			results.add(this.threads.submit(() -> {
				start.await();
				int done = 0;
				for (int i = 0; i < transactionsEach; i++) {
					try (Connection reader = readers.getConnection()) {
						mostLent.accumulateAndGet(lentNow.incrementAndGet(), Math::max);
						physical.add(reader.unwrap(SQLiteConnection.class));
						reader.setAutoCommit(false);
						assertThat(count(reader)).isEqualTo(1);
						reader.commit();
						lentNow.decrementAndGet();
					}
					done++;
				}
				return done;
			}));
		}
		start.countDown();
		int total = 0;
		for (Future<Integer> result : results) {
			total += result.get();
		}
		assertThat(total).isEqualTo(threadCount * transactionsEach);
		assertThat(mostLent.get()).as("readers lent at once").isLessThanOrEqualTo(READERS);
		assertThat(physical).as("connections lent").hasSize(READERS);
	}

	@Test
	void aBorrowerWaitsForTheFirstReaderGivenBackAndTimesOutNamingThePropertyWhenNoneIs() throws Exception {
		DataSource readers = readers();
		List<Connection> lent = new ArrayList<>();
		for (int i = 0; i < READERS; i++) {
			lent.add(readers.getConnection());
		}
		long started = System.nanoTime();
		assertThatThrownBy(readers::getConnection).isInstanceOf(SQLTransientConnectionException.class)
			.hasMessageContaining("kiwi.db.pool.readers")
			.hasMessageContaining("every one is in a read-only transaction");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(ACQUIRE_TIMEOUT);

		CompletableFuture<SQLiteConnection> waiting = CompletableFuture.supplyAsync(() -> {
			try (Connection reader = readers.getConnection()) {
				assertThat(count(reader)).isEqualTo(1);
				return reader.unwrap(SQLiteConnection.class);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads);
		Thread.sleep(100);
		assertThat(waiting).as("a borrower while every reader is lent").isNotDone();
		SQLiteConnection givenBack = lent.get(1).unwrap(SQLiteConnection.class);
		lent.get(1).close();
		// Told at once, not finding it at its deadline, well after this.
		assertThat(waiting.get(ACQUIRE_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)).isSameAs(givenBack);
		lent.get(0).close();
		lent.get(2).close();
	}

	@Test
	void anInterruptedThreadGetsAnIdleReaderButCantWaitForOne() throws Exception {
		DataSource readers = readers();
		Thread.currentThread().interrupt();
		try {
			try (Connection reader = readers.getConnection()) {
				assertThat(count(reader)).isEqualTo(1);
			}
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
			List<Connection> lent = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				lent.add(readers.getConnection());
			}
			assertThatThrownBy(readers::getConnection).isInstanceOf(SQLTransientConnectionException.class)
				.hasMessageContaining("Interrupted");
			assertThat(Thread.interrupted()).as("the interrupt stays set").isTrue();
			for (Connection connection : lent) {
				connection.close();
			}
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aPauseWaitsForLentReadersKeepsBorrowersOutAndClosesTheIdleOnes() throws Exception {
		DataSource readers = readers();
		List<SQLiteConnection> idle = new ArrayList<>();
		List<Connection> all = new ArrayList<>();
		for (int i = 0; i < READERS; i++) {
			all.add(readers.getConnection());
			idle.add(all.get(i).unwrap(SQLiteConnection.class));
		}
		for (Connection connection : all) {
			connection.close();
		}
		Connection lent = readers.getConnection();
		SQLiteConnection lentPhysical = lent.unwrap(SQLiteConnection.class);
		CountDownLatch paused = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<SQLiteConnection> pause = this.threads.submit(() -> this.dataSource.whileReadersPaused(() -> {
			paused.countDown();
			finish.await();
			return lentPhysical;
		}));
		assertThat(paused.await(200, TimeUnit.MILLISECONDS)).as("paused while a reader is lent").isFalse();
		lent.close();
		assertThat(paused.await(ACQUIRE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("paused once it is back").isTrue();
		assertThat(lentPhysical.isClosed()).as("the reader given back, closed by the pause").isTrue();
		assertThat(idle).as("every reader, closed by the pause").allMatch(ReaderPoolTests::isClosed);

		CompletableFuture<SQLiteConnection> borrower = CompletableFuture.supplyAsync(() -> {
			try (Connection reader = readers.getConnection()) {
				assertThat(count(reader)).isEqualTo(1);
				return reader.unwrap(SQLiteConnection.class);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads);
		Thread.sleep(100);
		assertThat(borrower).as("a borrower during the pause").isNotDone();
		finish.countDown();
		pause.get();
		SQLiteConnection after = borrower.get(ACQUIRE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(after).as("a reader opened after the pause").isNotSameAs(lentPhysical);
		assertThat(after.isClosed()).isFalse();
	}

	@Test
	void afterAPauseAThreadIsLentAReaderReopenedSinceRatherThanOpenAnother() throws Exception {
		DataSource readers = readers();
		SQLiteConnection before;
		try (Connection mine = readers.getConnection()) {
			before = mine.unwrap(SQLiteConnection.class);
		}
		this.dataSource.whileReadersPaused(() -> null);
		assertThat(before.isClosed()).isTrue();
		SQLiteConnection reopened = CompletableFuture.supplyAsync(() -> {
			try (Connection theirs = readers.getConnection()) {
				assertThat(count(theirs)).isEqualTo(1);
				return theirs.unwrap(SQLiteConnection.class);
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		}, this.threads).get();
		try (Connection mine = readers.getConnection()) {
			assertThat(mine.unwrap(SQLiteConnection.class)).as("the reader another thread reopened").isSameAs(reopened);
		}
	}

	@Test
	void aReaderGivenBackByAnotherThreadIsLentAgain() throws Exception {
		DataSource readers = readers();
		Connection mine = readers.getConnection();
		SQLiteConnection physical = mine.unwrap(SQLiteConnection.class);
		this.threads.submit(() -> {
			mine.close();
			return null;
		}).get();
		try (Connection again = readers.getConnection()) {
			assertThat(again.unwrap(SQLiteConnection.class)).isSameAs(physical);
			assertThat(count(again)).isEqualTo(1);
		}
	}

	@Test
	void closingWithAReaderLentClosesTheOthersAndThatOneOnceItIsGivenBack() throws Exception {
		DataSource readers = readers();
		List<SQLiteConnection> others = new ArrayList<>();
		List<Connection> all = new ArrayList<>();
		for (int i = 0; i < READERS; i++) {
			all.add(readers.getConnection());
			others.add(all.get(i).unwrap(SQLiteConnection.class));
		}
		Connection lent = all.remove(0);
		SQLiteConnection lentPhysical = others.remove(0);
		for (Connection connection : all) {
			connection.close();
		}
		this.dataSource.close();
		assertThat(others).as("the idle readers").allMatch(ReaderPoolTests::isClosed);
		assertThat(lentPhysical.isClosed()).as("the lent one, while it is lent").isFalse();
		assertThat(count(lent)).isEqualTo(1);
		lent.close();
		assertThat(lentPhysical.isClosed()).as("the lent one, given back").isTrue();
		assertThatThrownBy(readers::getConnection).isInstanceOf(SQLException.class);
	}

	private static boolean isClosed(SQLiteConnection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aPauseThatCantHaveEveryReaderTimesOutAndLeavesThemLent() throws Exception {
		DataSource readers = readers();
		try (Connection lent = readers.getConnection()) {
			assertThatThrownBy(() -> this.dataSource.whileReadersPaused(() -> {
				throw new AssertionError("ran while a reader was lent");
			})).isInstanceOf(SQLTransientConnectionException.class).hasMessageContaining("read-only transactions to finish");
			assertThat(count(lent)).isEqualTo(1);
			// The pause gave back what it held: every other reader is lent again.
			List<Connection> others = new ArrayList<>();
			for (int i = 1; i < READERS; i++) {
				others.add(readers.getConnection());
			}
			for (Connection other : others) {
				assertThat(count(other)).isEqualTo(1);
				other.close();
			}
		}
	}

}
