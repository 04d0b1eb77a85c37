package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.replication.PrimaryReplication;

/**
 * kiwi-db's replication and Litestream's side by side, in the report's JVM: one thread commits
 * single-row transactions, paced at {@value #PACED_COMMITS_PER_SECOND} a second (on a schedule that
 * catches up after a stall, see {@link PacedCommits.Pacing#SCHEDULED}) and then
 * unthrottled, three ways: kiwi-db with replication off; kiwi-db replicating to a directory; and
 * kiwi-db with {@code kiwi.db.process-exclusive=false} while the real {@code litestream replicate}
 * ships the same file to a directory, as a user would run it beside a service. Both ship at their
 * default intervals (kiwi-db: 1 s sync; Litestream 0.3.13: 1 s monitor, 1 s sync). For each: the
 * writer's throughput against replication off, commit-to-replicated latency (kiwi-db: its shipped
 * count; Litestream: the transactions in the segments it wrote), the largest {@code -wal}, and the
 * CPU time of the shipping side (the replicator thread; the litestream process).
 */
final class LitestreamSideBySide {

	static final int PACED_COMMITS_PER_SECOND = 5_000;

	/** The most commits an unthrottled run records. */
	private static final int UNTHROTTLED_CAPACITY = 4_000_000;

	private static final int WARMUP_COMMITS = 2_000;

	private static final Duration SETTLE = Duration.ofSeconds(8);

	/** Who ships the log. */
	enum Shipper {

		OFF("kiwi-db, replication off"),

		KIWI("kiwi-db, replication on"),

		LITESTREAM("litestream " + LitestreamBinary.VERSION + " beside kiwi-db");

		final String label;

		Shipper(String label) {
			this.label = label;
		}

	}

	private LitestreamSideBySide() {
	}

	/** Every shipper at both paces, paced first. */
	static Result run(Duration duration, Path litestream, PrintStream progress)
			throws SQLException, IOException, InterruptedException {
		List<Run> runs = new ArrayList<>();
		for (int pace : new int[] { PACED_COMMITS_PER_SECOND, 0 }) {
			for (Shipper shipper : Shipper.values()) {
				progress.println("side by side: " + shipper.label + ", " + paceLabel(pace) + ", "
						+ ReportOptions.format(duration) + " ...");
				progress.flush();
				runs.add(measure(shipper, pace, duration, litestream));
			}
		}
		return new Result(runs);
	}

	/** The targets' labels, in the order {@link Result#checks()} gives them. */
	static List<String> targetLabels() {
		return List.of(offRatioLabel(), writerLabel(PACED_COMMITS_PER_SECOND), writerLabel(0),
				latencyLabel(PACED_COMMITS_PER_SECOND), latencyLabel(0));
	}

	private static String offRatioLabel() {
		return "writer at " + paceLabel(PACED_COMMITS_PER_SECOND) + ": kiwi-db replication on / off";
	}

	private static String writerLabel(int pace) {
		return "writer on/off, " + paceLabel(pace) + ": kiwi-db vs litestream";
	}

	private static String latencyLabel(int pace) {
		return "replicated p99, " + paceLabel(pace) + ": kiwi-db vs litestream";
	}

	static String paceLabel(int pace) {
		return (pace > 0) ? String.format(Locale.ROOT, "%,d commits/s", pace) : "unthrottled";
	}

	private static Run measure(Shipper shipper, int pace, Duration duration, Path litestream)
			throws SQLException, IOException, InterruptedException {
		SpringDatabase.Kind kind = switch (shipper) {
			case OFF -> SpringDatabase.Kind.KIWI;
			case KIWI -> SpringDatabase.Kind.KIWI_REPLICATED;
			case LITESTREAM -> SpringDatabase.Kind.KIWI_SHARED;
		};
		try (SpringDatabase database = SpringDatabase.start(kind, 0)) {
			ItemStore store = database.store();
			Path directory = database.directory().path();
			Path file = database.directory().resolve("kiwi.db");
			Path wal = file.resolveSibling("kiwi.db-wal");
			Process process = null;
			try {
				ShippedMonitor.ShippedCount shipped;
				CpuClock cpu;
				if (shipper == Shipper.KIWI) {
					PrimaryReplication replicator = database.replicator();
					warmUp(store);
					replicator.syncNow();
					shipped = () -> replicator.status().transactionsShipped();
					cpu = CpuClock.ofThread("kiwi-db-replicator");
				}
				else if (shipper == Shipper.LITESTREAM) {
					Path replica = database.directory().resolve("litestream-replica");
					process = startLitestream(litestream, directory, file, replica);
					ShippedSegments segments = new ShippedSegments(replica, Integer.parseInt(store.pragma("page_size")));
					awaitSnapshot(segments, process, directory);
					warmUp(store);
					awaitQuiet(segments);
					shipped = segments::commits;
					cpu = CpuClock.ofProcess(process);
				}
				else {
					warmUp(store);
					shipped = null;
					cpu = null;
				}
				int capacity = (pace > 0) ? (int) (duration.toNanos() * pace / 1_000_000_000L) + 16 : UNTHROTTLED_CAPACITY;
				long[] committedAt = new long[capacity];
				long baseline = (shipped != null) ? shipped.read() : 0;
				ShippedMonitor monitor = new ShippedMonitor((shipped != null) ? shipped : () -> 0, baseline, capacity,
						(shipped != null) ? SETTLE : Duration.ZERO, wal);
				double cpuBefore = (cpu != null) ? cpu.seconds() : Double.NaN;
				Thread monitorThread = monitor.start("side-by-side-monitor");
				PacedCommits.Result written;
				try {
					Duration every = (pace > 0) ? Duration.ofNanos(1_000_000_000L / pace) : Duration.ZERO;
					// Open loop: each run is offered the same commits on the same schedule, and its rate
					// falls short of the pace only if its writer could not keep up.
					written = PacedCommits.run(PacedCommits.Pacing.SCHEDULED, duration, every, committedAt,
							(n) -> store.insert("side", n),
							(count) -> monitor.committed = count);
				}
				finally {
					monitor.writerDone = true;
				}
				monitor.await(monitorThread);
				double cpuSeconds = (cpu != null) ? cpu.seconds() - cpuBefore : Double.NaN;
				int commits = written.commits();
				double[] latencies = (shipped != null) ? monitor.latencyMillis(committedAt, commits) : new double[0];
				return new Run(shipper, pace, commits, commits / (written.writeNanos() / 1e9), latencies.length,
						ReplicationRuns.percentile(latencies, 0.50), ReplicationRuns.percentile(latencies, 0.99),
						monitor.largestWalBytes, cpuSeconds, monitor.shippedBeyond(commits));
			}
			finally {
				if (process != null) {
					stop(process);
				}
			}
		}
	}

	private static void warmUp(ItemStore store) {
		for (int i = 0; i < WARMUP_COMMITS; i++) {
			store.insert("warmup", i);
		}
	}

	private static Process startLitestream(Path litestream, Path directory, Path database, Path replica)
			throws IOException {
		Path config = directory.resolve("litestream.yml");
		Files.writeString(config, """
				dbs:
				  - path: %s
				    replicas:
				      - url: file://%s
				        sync-interval: 1s
				""".formatted(database, replica), StandardCharsets.UTF_8);
		return new ProcessBuilder(litestream.toString(), "replicate", "-config", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("litestream.log").toFile())
			.start();
	}

	private static void awaitSnapshot(ShippedSegments segments, Process process, Path directory)
			throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!segments.hasSnapshot()) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException("litestream wrote no snapshot; its log: "
						+ Files.readString(directory.resolve("litestream.log")));
			}
			Thread.sleep(20);
		}
	}

	/** Wait until Litestream has shipped the warmup: its count has not moved for three intervals. */
	private static void awaitQuiet(ShippedSegments segments) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		long last = -1;
		long since = System.nanoTime();
		while (System.nanoTime() < deadline) {
			long now = segments.commits();
			if (now != last) {
				last = now;
				since = System.nanoTime();
			}
			else if (now >= WARMUP_COMMITS && System.nanoTime() - since > TimeUnit.SECONDS.toNanos(3)) {
				return;
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("litestream did not finish shipping the warmup: " + last + " commits");
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(15, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			process.waitFor(15, TimeUnit.SECONDS);
		}
	}

	/** CPU time used so far by the shipping side. */
	@FunctionalInterface
	interface CpuClock {

		double seconds();

		static CpuClock ofThread(String name) {
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			long id = Thread.getAllStackTraces()
				.keySet()
				.stream()
				.filter((thread) -> thread.getName().equals(name))
				.mapToLong(Thread::getId)
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("No thread " + name));
			return () -> threads.getThreadCpuTime(id) / 1e9;
		}

		static CpuClock ofProcess(Process process) {
			return () -> process.info()
				.totalCpuDuration()
				.orElseThrow(() -> new IllegalStateException("The OS does not tell litestream's CPU time"))
				.toNanos() / 1e9;
		}

	}

	/**
	 * One run: the writer's commits and rate, and for a shipper the commits seen replicated, their
	 * latency in milliseconds, and the CPU seconds it used (NaN without one).
	 */
	record Run(Shipper shipper, int pace, int commits, double commitsPerSecond, int seen, double p50, double p99,
			long largestWalBytes, double shippingCpuSeconds, long shippedBeyond) {
	}

	/** Every run. */
	record Result(List<Run> runs) {

		Run run(Shipper shipper, int pace) {
			return this.runs.stream()
				.filter((run) -> run.shipper() == shipper && run.pace() == pace)
				.findFirst()
				.orElseThrow();
		}

		/** The writer's throughput against replication off at the same pace. */
		double writerRatio(Shipper shipper, int pace) {
			return run(shipper, pace).commitsPerSecond() / run(Shipper.OFF, pace).commitsPerSecond();
		}

		/**
		 * Whether every commit of the run was seen replicated, and nothing more: Litestream writes a
		 * few transactions of its own (to its {@code _litestream_seq} table), which its segments hold
		 * beside the run's, so more are allowed there.
		 */
		boolean complete(Run run) {
			return run.seen() == run.commits() && run.commits() > 0
					&& (run.shipper() == Shipper.LITESTREAM || run.shippedBeyond() == 0);
		}

		/** What a run's line says. */
		String describe(Run run) {
			StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%,.0f commits/s", run.commitsPerSecond()));
			if (run.shipper() != Shipper.OFF) {
				line.append(String.format(Locale.ROOT, " (%.2fx off); replicated p50 / p99 %s / %s (%d of %d)",
						writerRatio(run.shipper(), run.pace()), ReplicationRuns.Result.ms(run.p50()),
						ReplicationRuns.Result.ms(run.p99()), run.seen(), run.commits()));
				if (run.shippedBeyond() > 0) {
					line.append(", ").append(run.shippedBeyond())
						.append((run.shipper() == Shipper.LITESTREAM) ? " of litestream's own" : " more shipped than committed!");
				}
				line.append(String.format(Locale.ROOT, "; shipping CPU %.2f s", run.shippingCpuSeconds()));
			}
			line.append(String.format(Locale.ROOT, "; largest -wal %.1f MiB", run.largestWalBytes() / 1048576.0));
			return line.toString();
		}

		/** The targets: kiwi-db's writer ratio at least Litestream's and 0.95x when paced, its p99 at most Litestream's. */
		List<TimedTarget> checks() {
			List<TimedTarget> checks = new ArrayList<>();
			int paced = PACED_COMMITS_PER_SECOND;
			double pacedRatio = writerRatio(Shipper.KIWI, paced);
			checks.add(new TimedTarget(offRatioLabel(),
					String.format(Locale.ROOT, "%.2fx", pacedRatio), ">= 0.95x", pacedRatio >= 0.95));
			for (int pace : new int[] { paced, 0 }) {
				double kiwi = writerRatio(Shipper.KIWI, pace);
				double litestream = writerRatio(Shipper.LITESTREAM, pace);
				checks.add(new TimedTarget(writerLabel(pace),
						String.format(Locale.ROOT, "%.2fx", kiwi), String.format(Locale.ROOT, ">= %.2fx", litestream),
						kiwi >= litestream));
			}
			for (int pace : new int[] { paced, 0 }) {
				Run kiwi = run(Shipper.KIWI, pace);
				Run litestream = run(Shipper.LITESTREAM, pace);
				// A shipper that lost track of commits can't win on latency.
				boolean met = complete(kiwi) && (!complete(litestream) || kiwi.p99() <= litestream.p99());
				checks.add(new TimedTarget(latencyLabel(pace),
						ReplicationRuns.Result.ms(kiwi.p99()), "<= " + ReplicationRuns.Result.ms(litestream.p99()), met));
			}
			return checks;
		}

	}

}
