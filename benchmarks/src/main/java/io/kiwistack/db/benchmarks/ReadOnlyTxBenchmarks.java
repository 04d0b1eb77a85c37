package io.kiwistack.db.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Read-only transactions of {@value #READS_PER_TX} point selects each, at 1, 2, 4 and 8 threads,
 * three ways: kiwi-db as a service uses it ({@code @Transactional(readOnly = true)},
 * {@code JdbcClient}, one context shared by the threads); plain JDBC on the same context's reader
 * connections, without Spring's transaction and {@code JdbcClient} code around it (not a target:
 * it shows what kiwi-db's own layer costs apart from Spring's); and raw sqlite-jdbc with a
 * connection of its own per thread, the most a machine gives. The three run in each trial,
 * {@link TakingTurns taking turns}, and each counts its transactions ({@link Counts}); JMH reports
 * each count's rate summed over the threads. The targets compare kiwi-db's scaling from one thread
 * with raw sqlite-jdbc's, so that the number of cores cancels out, and in each trial the two are
 * measured in the same moments, so that the machine's changing speed does too. Each trial first
 * runs each transaction on one thread for {@link #ONE_THREAD_WARMUP}: where the benchmark's
 * threads outnumber the cores the JIT's threads get a small share of them, and kiwi-db's path
 * through Spring was still being compiled after 16 s of warmup at 8 threads (its throughput rose
 * from each iteration to the next).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadOnlyTxBenchmarks {

	static final int READS_PER_TX = 4;

	/** kiwi-db through Spring, plain JDBC on kiwi-db's readers, raw sqlite-jdbc. */
	static final int WORKLOADS = 3;

	/** How long each trial runs each transaction on one thread before its threads start (none in a smoke run). */
	static final Duration ONE_THREAD_WARMUP = Duration.ofSeconds(5);

	@Benchmark
	@Threads(1)
	public long threads1(KiwiTarget kiwi, RawConnection raw, Counts counts) throws SQLException {
		return oneTransaction(kiwi, raw, counts);
	}

	@Benchmark
	@Threads(2)
	public long threads2(KiwiTarget kiwi, RawConnection raw, Counts counts) throws SQLException {
		return oneTransaction(kiwi, raw, counts);
	}

	@Benchmark
	@Threads(4)
	public long threads4(KiwiTarget kiwi, RawConnection raw, Counts counts) throws SQLException {
		return oneTransaction(kiwi, raw, counts);
	}

	@Benchmark
	@Threads(8)
	public long threads8(KiwiTarget kiwi, RawConnection raw, Counts counts) throws SQLException {
		return oneTransaction(kiwi, raw, counts);
	}

	/** The transaction whose turn it is, counted. */
	private static long oneTransaction(KiwiTarget kiwi, RawConnection raw, Counts counts) throws SQLException {
		switch (TakingTurns.turn(WORKLOADS)) {
			case 0 -> {
				counts.kiwi++;
				return kiwi.readOnlyTransaction();
			}
			case 1 -> {
				counts.kiwiJdbc++;
				return kiwi.plainJdbcTransaction();
			}
			default -> {
				counts.raw++;
				return raw.readOnlyTransaction();
			}
		}
	}

	/**
	 * One thread's transactions of each kind in an iteration: JMH reports each field's rate, summed
	 * over the threads, as a result of its own.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counts {

		/** kiwi-db's transactions through Spring. */
		public long kiwi;

		/** Plain JDBC transactions on kiwi-db's readers. */
		public long kiwiJdbc;

		/** Raw sqlite-jdbc's transactions. */
		public long raw;

		@Setup(Level.Iteration)
		public void reset() {
			this.kiwi = 0;
			this.kiwiJdbc = 0;
			this.raw = 0;
		}

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

		private DataSource readers;

		@Setup(Level.Trial)
		public void start(BenchmarkParams params) throws SQLException {
			this.database = SpringDatabase.start(SpringDatabase.Kind.KIWI, PointSelectBenchmarks.ROWS);
			this.store = this.database.store();
			this.readers = this.database.readerDataSource();
			for (long end = oneThreadWarmupEnd(params); System.nanoTime() - end < 0;) {
				readOnlyTransaction();
				plainJdbcTransaction();
			}
		}

		long readOnlyTransaction() {
			return this.store.sumQuantities(randomIds());
		}

		/**
		 * The same selects in plain JDBC on a reader, prepared per query from kiwi-db's statement
		 * cache as {@code JdbcClient} prepares them, and the connection's calls that Spring's
		 * transaction makes: autocommit off, commit, autocommit on.
		 */
		long plainJdbcTransaction() {
			try (Connection connection = this.readers.getConnection()) {
				connection.setAutoCommit(false);
				long sum = 0;
				for (long id : randomIds()) {
					try (PreparedStatement select = connection.prepareStatement(ItemStore.SELECT_BY_ID)) {
						select.setLong(1, id);
						try (ResultSet rows = select.executeQuery()) {
							if (!rows.next()) {
								throw new IllegalStateException("No row " + id);
							}
							sum += rows.getInt(3);
						}
					}
				}
				connection.commit();
				connection.setAutoCommit(true);
				return sum;
			}
			catch (SQLException ex) {
				throw new IllegalStateException("A read-only transaction on kiwi-db's readers failed", ex);
			}
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
