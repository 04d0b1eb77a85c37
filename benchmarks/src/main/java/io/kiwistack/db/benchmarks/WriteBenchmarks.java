package io.kiwistack.db.benchmarks;

import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReplicationStatus;
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
 * Single-row write transactions: {@link ItemStore#insert} ({@code JdbcClient} insert in an
 * {@code @Transactional} method), the same code and the same auto-configuration over kiwi-db, over
 * kiwi-db with replication on (a directory replica in the trial's temporary directory, the default
 * sync interval: the replicator ships, checkpoints and competes for the CPU while this runs), over
 * HikariCP(max 1) on sqlite-jdbc with the same pragmas, and over H2 in file mode with
 * {@code WRITE_DELAY=0}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class WriteBenchmarks {

	@Benchmark
	public int kiwiDb(KiwiTarget target) {
		return target.insert();
	}

	@Benchmark
	public int kiwiDbReplicated(ReplicatedKiwiTarget target) {
		return target.insert();
	}

	@Benchmark
	public int hikariSqlite(HikariTarget target) {
		return target.insert();
	}

	@Benchmark
	public int hikariSqliteProcessExclusive(HikariProcessExclusiveTarget target) {
		return target.insert();
	}

	@Benchmark
	public int h2WriteDelay0(H2Target target) {
		return target.insert();
	}

	@State(Scope.Benchmark)
	public abstract static class Target {

		SpringDatabase database;

		private ItemStore store;

		int next;

		abstract SpringDatabase.Kind kind();

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.database = SpringDatabase.start(kind(), 0);
			this.store = this.database.store();
		}

		int insert() {
			return this.store.insert("write", this.next++);
		}

		@TearDown(Level.Trial)
		public void stop() {
			try {
				checkAfterTrial();
			}
			finally {
				this.database.close();
			}
		}

		void checkAfterTrial() {
		}

	}

	public static class KiwiTarget extends Target {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.KIWI;
		}

	}

	public static class ReplicatedKiwiTarget extends Target {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.KIWI_REPLICATED;
		}

		/** Fails the trial unless the replicator really shipped what was written, without an error. */
		@Override
		void checkAfterTrial() {
			PrimaryReplication replicator = this.database.replicator();
			replicator.syncNow();
			ReplicationStatus status = replicator.status();
			if (status.lastError() != null || status.transactionsShipped() < this.next
					|| status.pendingTransactions() != 0) {
				throw new IllegalStateException("Replication did not keep up: " + this.next + " transactions written, "
						+ status);
			}
			// Not a figure (JMH measures throughput only), but worth seeing in JMH's output of the fork.
			System.out.printf(Locale.ROOT, "%nwrites.repl trial: %d transactions written and shipped, longest checkpoint "
					+ "barrier %.1f ms%n", this.next, status.longestCheckpointBarrier().toNanos() / 1e6);
		}

	}

	public static class HikariTarget extends Target {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.HIKARI_SQLITE;
		}

	}

	public static class HikariProcessExclusiveTarget extends Target {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.HIKARI_SQLITE_PROCESS_EXCLUSIVE;
		}

	}

	public static class H2Target extends Target {

		@Override
		SpringDatabase.Kind kind() {
			return SpringDatabase.Kind.H2;
		}

	}

}
