package io.kiwistack.db.benchmarks;

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

/**
 * JPA read-only transactions ({@code @Transactional(readOnly = true)}, {@value #READS_PER_TX}
 * {@code EntityManager.find} each) on kiwi-db's readers: with kiwi-db's connection handling (each
 * transaction takes and gives back its own connection, so open-in-view requests can write after a
 * read), against Spring's own (a session holds its connection, set with
 * {@code hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD}). What the former costs
 * the read path is the ratio. Both contexts run in one trial, {@link TakingTurns taking turns},
 * each counting its transactions ({@link Counts}), so that the ratio is measured in the same
 * moments: measured in forks of their own it read 0.87x in one run and 1.24x in the one before.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JpaReadOnlyTxBenchmarks {

	static final int READS_PER_TX = 4;

	/** The two handlings. */
	static final int WORKLOADS = 2;

	@Benchmark
	public long takingTurns(KiwiHandling kiwi, SpringHandling spring, Counts counts) {
		if (TakingTurns.turn(WORKLOADS) == 0) {
			counts.kiwiHandling++;
			return kiwi.readOnlyTransaction();
		}
		counts.springHandling++;
		return spring.readOnlyTransaction();
	}

	/**
	 * One thread's transactions with each handling in an iteration: JMH reports each field's rate as
	 * a result of its own.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.OPERATIONS)
	public static class Counts {

		/** With kiwi-db's connection handling. */
		public long kiwiHandling;

		/** With Spring's held connection. */
		public long springHandling;

		@Setup(Level.Iteration)
		public void reset() {
			this.kiwiHandling = 0;
			this.springHandling = 0;
		}

	}

	@State(Scope.Benchmark)
	public static class KiwiHandling extends Target {

		@Setup(Level.Trial)
		public void start() throws SQLException {
			start(SpringDatabase.Kind.KIWI_JPA);
		}

	}

	@State(Scope.Benchmark)
	public static class SpringHandling extends Target {

		@Setup(Level.Trial)
		public void start() throws SQLException {
			start(SpringDatabase.Kind.KIWI_JPA_HELD_CONNECTION);
		}

	}

	public abstract static class Target {

		private SpringDatabase database;

		private JpaItemReader reader;

		void start(SpringDatabase.Kind kind) throws SQLException {
			this.database = SpringDatabase.start(kind, PointSelectBenchmarks.ROWS);
			this.reader = this.database.jpaReader();
		}

		long readOnlyTransaction() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			long[] ids = new long[READS_PER_TX];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = random.nextLong(1, PointSelectBenchmarks.ROWS + 1);
			}
			return this.reader.sumQuantities(ids);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.database.close();
		}

	}

}
