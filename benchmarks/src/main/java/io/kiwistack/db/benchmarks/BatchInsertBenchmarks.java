package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

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
 * with the same JDBC pattern (one statement per batch) in one transaction. The table is emptied
 * before each iteration, outside the measurement, so it does not grow without bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class BatchInsertBenchmarks {

	static final int ROWS = 1000;

	@Benchmark
	public int kiwiBatchUpdate(KiwiTarget target) {
		return target.store.insertBatch("batch-", ROWS);
	}

	@Benchmark
	public int rawExecuteBatch(RawTarget target) throws SQLException {
		Connection connection = target.connection;
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
