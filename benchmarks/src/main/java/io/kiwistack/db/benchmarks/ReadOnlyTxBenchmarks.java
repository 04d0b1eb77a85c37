package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Read-only transactions of {@value #READS_PER_TX} point selects each, at 1, 2, 4 and 8 threads:
 * kiwi-db ({@code @Transactional(readOnly = true)}, {@code JdbcClient}, one context shared by the
 * threads), and raw sqlite-jdbc with a connection of its own per thread, the most a machine gives.
 * JMH reports the throughput summed over the threads. The targets compare the two's scaling from
 * one thread, so that the number of cores cancels out. Each trial first runs its transaction on
 * one thread for {@link #ONE_THREAD_WARMUP}: where the benchmark's threads outnumber the cores the
 * JIT's threads get a small share of them, and kiwi-db's path through Spring was still being
 * compiled after 16 s of warmup at 8 threads (its throughput rose from each iteration to the next).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadOnlyTxBenchmarks {

	static final int READS_PER_TX = 4;

	/** How long each trial runs its transaction on one thread before its threads start (none in a smoke run). */
	static final Duration ONE_THREAD_WARMUP = Duration.ofSeconds(5);

	@Benchmark
	@Threads(1)
	public long threads1(KiwiTarget target) {
		return target.readOnlyTransaction();
	}

	@Benchmark
	@Threads(2)
	public long threads2(KiwiTarget target) {
		return target.readOnlyTransaction();
	}

	@Benchmark
	@Threads(4)
	public long threads4(KiwiTarget target) {
		return target.readOnlyTransaction();
	}

	@Benchmark
	@Threads(8)
	public long threads8(KiwiTarget target) {
		return target.readOnlyTransaction();
	}

	@Benchmark
	@Threads(1)
	public long rawThreads1(RawConnection connection) throws SQLException {
		return connection.readOnlyTransaction();
	}

	@Benchmark
	@Threads(2)
	public long rawThreads2(RawConnection connection) throws SQLException {
		return connection.readOnlyTransaction();
	}

	@Benchmark
	@Threads(4)
	public long rawThreads4(RawConnection connection) throws SQLException {
		return connection.readOnlyTransaction();
	}

	@Benchmark
	@Threads(8)
	public long rawThreads8(RawConnection connection) throws SQLException {
		return connection.readOnlyTransaction();
	}

	/** When the one-thread warmup ends: now, in a run without warmup iterations (a smoke run). */
	static long oneThreadWarmupEnd(BenchmarkParams params) {
		return System.nanoTime() + ((params.getWarmup().getCount() > 0) ? ONE_THREAD_WARMUP.toNanos() : 0);
	}

	static long[] randomIds() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long[] ids = new long[READS_PER_TX];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = random.nextLong(1, PointSelectBenchmarks.ROWS + 1);
		}
		return ids;
	}

	@State(Scope.Benchmark)
	public static class KiwiTarget {

		private SpringDatabase database;

		private ItemStore store;

		@Setup(Level.Trial)
		public void start(BenchmarkParams params) throws SQLException {
			this.database = SpringDatabase.start(SpringDatabase.Kind.KIWI, PointSelectBenchmarks.ROWS);
			this.store = this.database.store();
			for (long end = oneThreadWarmupEnd(params); System.nanoTime() - end < 0;) {
				readOnlyTransaction();
			}
		}

		long readOnlyTransaction() {
			return this.store.sumQuantities(randomIds());
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.database.close();
		}

	}

	/**
	 * The raw baseline's database: created and filled through a connection that stays open for the
	 * trial, as kiwi-db's writer does, with kiwi-db's pragmas and its file locking ({@code unix-excl}).
	 */
	@State(Scope.Benchmark)
	public static class RawDatabase {

		private TempDatabaseDirectory directory;

		private Connection owner;

		java.nio.file.Path file;

		@Setup(Level.Trial)
		public void start(BenchmarkParams params) throws SQLException {
			this.directory = TempDatabaseDirectory.create("raw-read-only");
			this.file = this.directory.resolve("raw.db");
			this.owner = RawSqlite.open(this.file, true);
			RawSqlite.createAndFill(this.owner, PointSelectBenchmarks.ROWS);
			RawConnection warmup = new RawConnection();
			warmup.open(this);
			try {
				for (long end = oneThreadWarmupEnd(params); System.nanoTime() - end < 0;) {
					warmup.readOnlyTransaction();
				}
			}
			finally {
				warmup.close();
			}
		}

		@TearDown(Level.Trial)
		public void stop() throws SQLException {
			try {
				this.owner.close();
			}
			finally {
				this.directory.close();
			}
		}

	}

	/** One benchmark thread's own raw connection, with its select prepared once. */
	@State(Scope.Thread)
	public static class RawConnection {

		private Connection connection;

		private PreparedStatement select;

		@Setup(Level.Trial)
		public void open(RawDatabase database) throws SQLException {
			this.connection = RawSqlite.open(database.file, true);
			this.connection.setAutoCommit(false);
			this.select = this.connection.prepareStatement(ItemStore.SELECT_BY_ID);
		}

		long readOnlyTransaction() throws SQLException {
			long sum = 0;
			for (long id : randomIds()) {
				this.select.setLong(1, id);
				try (ResultSet rows = this.select.executeQuery()) {
					if (!rows.next()) {
						throw new IllegalStateException("No row " + id);
					}
					sum += rows.getInt(3);
				}
			}
			this.connection.commit();
			return sum;
		}

		@TearDown(Level.Trial)
		public void close() throws SQLException {
			this.select.close();
			this.connection.close();
		}

	}

}
