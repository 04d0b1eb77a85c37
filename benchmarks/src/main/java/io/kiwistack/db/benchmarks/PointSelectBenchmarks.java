package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
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
 * Point select by primary key on a table of {@value #ROWS} rows, random ids: kiwi-db through
 * {@code JdbcClient} (prepare, execute, close per query), against the same {@code JdbcClient} code
 * over HikariCP, and against raw sqlite-jdbc with one {@link PreparedStatement} prepared once and
 * reused, the fastest a user can hand-roll. Every target does the same work per query: bind the
 * id, read the one row's three columns into an {@link Item}, and read on to the end of the results
 * to make sure there is only one, as {@code JdbcClient}'s {@code single()} does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class PointSelectBenchmarks {

	static final int ROWS = 10_000;

	@Benchmark
	public Item kiwiJdbcClient(KiwiTarget target) {
		return target.store.find(randomId());
	}

	/** What kiwi-db's layer costs: the same JdbcClient code over HikariCP with kiwi-db's file locking. */
	@Benchmark
	public Item hikariJdbcClientProcessExclusive(HikariProcessExclusiveTarget target) {
		return target.store.find(randomId());
	}

	@Benchmark
	public Item rawReusedStatement(RawTarget target) throws SQLException {
		PreparedStatement select = target.select;
		select.setLong(1, randomId());
		try (ResultSet rows = select.executeQuery()) {
			if (!rows.next()) {
				throw new IllegalStateException("No row");
			}
			Item item = new Item(rows.getLong(1), rows.getString(2), rows.getInt(3));
			// What JdbcClient's single() does too: read on to the end, so more than one row fails.
			if (rows.next()) {
				throw new IllegalStateException("More than one row");
			}
			return item;
		}
	}

	@Benchmark
	public Item rawReusedStatementProcessExclusive(RawProcessExclusiveTarget target) throws SQLException {
		return rawReusedStatement(target);
	}

	static long randomId() {
		return ThreadLocalRandom.current().nextLong(1, ROWS + 1);
	}

	@State(Scope.Benchmark)
	public static class KiwiTarget {

		private SpringDatabase database;

		ItemStore store;

		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.KIWI;
		}

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.database = SpringDatabase.start(kind(), ROWS);
			this.store = this.database.store();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.database.close();
		}

	}

	@State(Scope.Benchmark)
	public static class RawTarget {

		private TempDatabaseDirectory directory;

		private Connection connection;

		PreparedStatement select;

		boolean processExclusive() {
			return false;
		}

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.directory = TempDatabaseDirectory.create("raw-select");
			this.connection = RawSqlite.open(this.directory.resolve("raw.db"), processExclusive());
			RawSqlite.createAndFill(this.connection, ROWS);
			this.select = this.connection.prepareStatement(ItemStore.SELECT_BY_ID);
		}

		@TearDown(Level.Trial)
		public void stop() throws SQLException {
			try {
				this.select.close();
				this.connection.close();
			}
			finally {
				this.directory.close();
			}
		}

	}

	/** The same raw baseline, with kiwi-db's file locking ({@code unix-excl}) given in the URL. */
	public static class RawProcessExclusiveTarget extends RawTarget {

		@Override
		boolean processExclusive() {
			return true;
		}

	}

	/** The same JdbcClient code over HikariCP(max 1), kiwi-db's file locking ({@code unix-excl}) in the URL. */
	public static class HikariProcessExclusiveTarget extends KiwiTarget {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.HIKARI_SQLITE_PROCESS_EXCLUSIVE;
		}

	}

}
