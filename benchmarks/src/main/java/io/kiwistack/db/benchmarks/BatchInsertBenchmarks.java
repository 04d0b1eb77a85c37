package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@value #ROWS}-row batch insert in one transaction: kiwi-db through {@code JdbcTemplate.batchUpdate}
 * in an {@code @Transactional} method, against raw sqlite-jdbc {@code addBatch}/{@code executeBatch}
 * with the same JDBC pattern (one statement per batch) in one transaction. The two run in one
 * trial, {@link TakingTurns taking turns} of {@value #TURN_MILLIS} ms (a batch takes about 2 ms),
 * each counting its batches ({@link Counts}): measured in forks of their own, their ratio read
 * 1.07x, 0.97x and 0.82x in three runs on the same machine. Each table is emptied before each
 * iteration, outside the measurement, so it does not grow without bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class BatchInsertBenchmarks {

	static final int ROWS = 1000;

	/** kiwi-db, raw sqlite-jdbc. */
	static final int WORKLOADS = 2;

	static final long TURN_MILLIS = 100;

	private static final long TURN_NANOS = TimeUnit.MILLISECONDS.toNanos(TURN_MILLIS);

	@Benchmark
	public int takingTurns(KiwiTarget kiwi, RawTarget raw, Counts counts) throws SQLException {
		if (TakingTurns.turn(WORKLOADS, TURN_NANOS) == 0) {
			counts.kiwiBatchUpdate++;
			return kiwi.store.insertBatch("batch-", ROWS);
		}
		counts.rawExecuteBatch++;
		return rawExecuteBatch(raw.connection);
	}

	private static int rawExecuteBatch(Connection connection) throws SQLException {
		connection.setAutoCommit(false);
		try (PreparedStatement insert = connection.prepareStatement(ItemStore.INSERT)) {
			for (int i = 0; i < ROWS; i++) {
				insert.setString(1, "batch-" + i);
				insert.setInt(2, i);
				insert.addBatch();
			}
			int updated = insert.executeBatch().length;
			connection.commit();
			return updated;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

	/** The batches of each kind in an iteration: JMH reports each field's rate as a result of its own. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counts {

		/** kiwi-db's {@code JdbcTemplate.batchUpdate}. */
		public long kiwiBatchUpdate;

		/** Raw sqlite-jdbc's {@code executeBatch}. */
		public long rawExecuteBatch;

		@Setup(Level.Iteration)
		public void reset() {
			this.kiwiBatchUpdate = 0;
			this.rawExecuteBatch = 0;
		}

	}

	@State(Scope.Benchmark)
	public static class KiwiTarget {

		private SpringDatabase database;

		ItemStore store;

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.database = SpringDatabase.start(SpringDatabase.Kind.KIWI, 0);
			this.store = this.database.store();
		}

		@Setup(Level.Iteration)
		public void empty() {
			this.store.deleteAll();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.database.close();
		}

	}

	@State(Scope.Benchmark)
	public static class RawTarget {

		private TempDatabaseDirectory directory;

		Connection connection;

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.directory = TempDatabaseDirectory.create("raw-batch");
			this.connection = RawSqlite.open(this.directory.resolve("raw.db"));
			RawSqlite.createAndFill(this.connection, 0);
		}

		@Setup(Level.Iteration)
		public void empty() throws SQLException {
			try (Statement statement = this.connection.createStatement()) {
				statement.executeUpdate("DELETE FROM item");
			}
		}

		@TearDown(Level.Trial)
		public void stop() throws SQLException {
			try {
				this.connection.close();
			}
			finally {
				this.directory.close();
			}
		}

	}

}
