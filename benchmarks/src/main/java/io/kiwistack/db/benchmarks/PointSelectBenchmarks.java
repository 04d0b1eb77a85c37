package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
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
 * Point select by primary key on a table of {@value #ROWS} rows, random ids: kiwi-db through
 * {@code JdbcClient} (prepare, execute, close per query), against the same {@code JdbcClient} code
 * over HikariCP, and against raw sqlite-jdbc with one {@link PreparedStatement} prepared once and
 * reused, the fastest a user can hand-roll. Every target does the same work per query: bind the
 * id, read the one row's three columns into an {@link Item}, and read on to the end of the results
 * to make sure there is only one, as {@code JdbcClient}'s {@code single()} does. The four run in
 * one trial, {@link TakingTurns taking turns}, each counting its queries ({@link Counts}): measured
 * in forks of their own, kiwi-db against the raw reused statement read 0.77x, 0.55x and 0.81x in
 * three runs on the same machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class PointSelectBenchmarks {

	static final int ROWS = 10_000;

	/** kiwi-db, HikariCP with unix-excl, raw with default locking, raw with unix-excl. */
	static final int WORKLOADS = 4;

	@Benchmark
	public Item takingTurns(KiwiTarget kiwi, HikariProcessExclusiveTarget hikari, RawTarget raw,
			RawProcessExclusiveTarget rawExclusive, Counts counts) throws SQLException {
		switch (TakingTurns.turn(WORKLOADS)) {
			case 0 -> {
				counts.kiwiJdbcClient++;
				return kiwi.store.find(randomId());
			}
			case 1 -> {
				// What kiwi-db's layer costs: the same JdbcClient code over HikariCP with kiwi-db's file locking.
				counts.hikariJdbcClientProcessExclusive++;
				return hikari.store.find(randomId());
			}
			case 2 -> {
				counts.rawReusedStatement++;
				return rawReusedStatement(raw);
			}
			default -> {
				counts.rawReusedStatementProcessExclusive++;
				return rawReusedStatement(rawExclusive);
			}
		}
	}

	private static Item rawReusedStatement(RawTarget target) throws SQLException {
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

	/** The queries of each kind in an iteration: JMH reports each field's rate as a result of its own. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counts {

		/** kiwi-db's {@code JdbcClient}. */
		public long kiwiJdbcClient;

		/** The same {@code JdbcClient} code over HikariCP(max 1), {@code unix-excl}. */
		public long hikariJdbcClientProcessExclusive;

		/** Raw sqlite-jdbc's reused statement, default locking. */
		public long rawReusedStatement;

		/** Raw sqlite-jdbc's reused statement, {@code unix-excl}. */
		public long rawReusedStatementProcessExclusive;

		@Setup(Level.Iteration)
		public void reset() {
			this.kiwiJdbcClient = 0;
			this.hikariJdbcClientProcessExclusive = 0;
			this.rawReusedStatement = 0;
			this.rawReusedStatementProcessExclusive = 0;
		}

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
