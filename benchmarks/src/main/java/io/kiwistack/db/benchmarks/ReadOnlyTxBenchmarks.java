package io.kiwistack.db.benchmarks;

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
 * Read-only transactions ({@code @Transactional(readOnly = true)}, {@value #READS_PER_TX} point
 * selects through {@code JdbcClient} each) on kiwi-db at 1, 2, 4 and 8 threads sharing one
 * context. JMH reports the throughput summed over the threads; the baseline is the 1-thread figure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadOnlyTxBenchmarks {

	static final int READS_PER_TX = 4;

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

	@State(Scope.Benchmark)
	public static class KiwiTarget {

		private SpringDatabase database;

		private ItemStore store;

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.database = SpringDatabase.start(SpringDatabase.Kind.KIWI, PointSelectBenchmarks.ROWS);
			this.store = this.database.store();
		}

		long readOnlyTransaction() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			long[] ids = new long[READS_PER_TX];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = random.nextLong(1, PointSelectBenchmarks.ROWS + 1);
			}
			return this.store.sumQuantities(ids);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.database.close();
		}

	}

}
