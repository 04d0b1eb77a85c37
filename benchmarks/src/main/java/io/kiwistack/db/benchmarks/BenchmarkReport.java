package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every kiwi-db benchmark and its baselines through JMH in one run, then prints each figure
 * and each target ratio (MET / NOT MET), and writes the table as Markdown and the ratios as a PNG
 * chart. Targets are reported, never enforced: the exit code says only whether the run worked.
 */
public final class BenchmarkReport {

	static final String COMMAND = "./mvnw -B -q -pl benchmarks -am package -DskipTests && java -jar benchmarks/target/kiwi-db-benchmarks.jar";

	static final String ALL_BENCHMARKS = "^" + Pattern.quote(BenchmarkReport.class.getPackageName() + ".")
			+ "[A-Za-z]+Benchmarks\\.";

	static final String MARKDOWN_FILE = "benchmark-results.md";

	static final String CHART_FILE = "benchmark-results.png";

	static final String REPLICATION_CHART_FILE = "benchmark-replication.png";

	static final String SIZE_CHART_FILE = "benchmark-sizes.png";

	/** How many times the others' warmup iterations the read-only scaling benchmarks take. */
	static final int SCALING_WARMUP_FACTOR = 4;

	private static final String SCALING_BENCHMARKS = Pattern.quote(ReadOnlyTxBenchmarks.class.getName() + ".");

	private BenchmarkReport() {
	}

	public static void main(String[] args) throws Exception {
		if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
			System.out.print(ReportOptions.USAGE);
			return;
		}
		run(ReportOptions.parse(args), System.out);
		// Nothing left to wait for; don't let a stray non-daemon thread of a closed context hold the JVM.
		System.exit(0);
	}

	/**
	 * Run the benchmarks and write the report.
	 * @param options how to run
	 * @param out where the figures and ratios are printed
	 * @return what was measured
	 */
	public static Report run(ReportOptions options, PrintStream out)
			throws RunnerException, IOException, SQLException, InterruptedException {
		out.println("kiwi-db benchmarks: " + options.describe());
		out.println("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
				+ ", " + Runtime.getRuntime().availableProcessors() + " processors, " + System.getProperty("os.name")
				+ " " + System.getProperty("os.arch"));
		out.flush();
		Collection<RunResult> results = options.jmh() ? runJmh(options) : List.of();
		// Timed runs, not JMH: in this JVM, after the forks are done, so nothing else competes.
		ReplicationRuns.Result replication = options.replicationRuns() ? ReplicationRuns.run(options, out) : null;
		ClusterRuns.Result cluster = options.clusterRuns() ? ClusterRuns.run(options, out) : null;
		Failover.Result failover = null;
		if (options.failoverRuns()) {
			out.println("failover: " + Failover.NODES + " forked nodes in auto mode, " + options.failoverRounds()
					+ " rounds of SIGKILL to the primary ...");
			out.flush();
			failover = Failover.run(options.failoverRounds(), out);
		}
		Path litestream = (options.sideBySideRuns() || options.sizeRuns())
				? LitestreamBinary.locate(options.outputDirectory()) : null;
		LitestreamSideBySide.Result sideBySide = options.sideBySideRuns()
				? LitestreamSideBySide.run(options.heavyLoadRunTime(), litestream, out) : null;
		SizeRuns.Result sizes = options.sizeRuns() ? SizeRuns.run(options, litestream, out) : null;
		Report report = Report.of(options, results, replication, cluster, failover, sideBySide, sizes);
		report.print(out);
		Files.createDirectories(options.outputDirectory());
		Path markdown = options.outputDirectory().resolve(MARKDOWN_FILE);
		Files.writeString(markdown, report.markdown());
		Path chart = options.outputDirectory().resolve(CHART_FILE);
		ResultsChart.write(report, chart);
		Path replicationChart = options.outputDirectory().resolve(REPLICATION_CHART_FILE);
		ReplicationChart.write(report, replicationChart);
		out.println("wrote " + markdown);
		out.println("wrote " + chart);
		out.println("wrote " + replicationChart);
		Path sizeChart = options.outputDirectory().resolve(SIZE_CHART_FILE);
		SizeChart.write(report, sizeChart);
		out.println("wrote " + sizeChart);
		out.flush();
		return report;
	}

	/**
	 * The JMH benchmarks, in two runs: the read-only scaling benchmarks with
	 * {@value #SCALING_WARMUP_FACTOR} times the warmup of the others. Their threads outnumber the
	 * cores, so the compiler's threads get a small share of them, and kiwi-db's path through Spring
	 * took more than the usual warmup to compile: its 8 thread throughput still rose from one
	 * iteration to the next past the eighth. The raw baseline gets the same warmup.
	 */
	private static Collection<RunResult> runJmh(ReportOptions options) throws RunnerException {
		List<RunResult> results = new ArrayList<>(runMatching(jmhOptions(options, false)));
		results.addAll(runMatching(jmhOptions(options, true)));
		return results;
	}

	private static Collection<RunResult> runMatching(org.openjdk.jmh.runner.options.Options jmh) throws RunnerException {
		try {
			return new Runner(jmh).run();
		}
		catch (NoBenchmarksException ex) {
			// --include named none of this run's benchmarks.
			return List.of();
		}
	}

	private static org.openjdk.jmh.runner.options.Options jmhOptions(ReportOptions options, boolean scaling) {
		String include = (options.include() != null) ? options.include() : ALL_BENCHMARKS;
		ChainedOptionsBuilder builder = new OptionsBuilder();
		if (scaling) {
			// Both must match: the scaling benchmarks, and what the options include.
			builder.include("^(?=.*" + SCALING_BENCHMARKS + ")(?=.*(?:" + include + "))");
		}
		else {
			builder.include(include).exclude(SCALING_BENCHMARKS);
		}
		builder.forks(options.forks())
			.warmupIterations(options.warmupIterations() * (scaling ? SCALING_WARMUP_FACTOR : 1))
			.warmupTime(options.warmupTime())
			.measurementIterations(options.measurementIterations())
			.measurementTime(options.measurementTime())
			.shouldFailOnError(true)
			.verbosity(options.verbose() ? VerboseMode.NORMAL : VerboseMode.SILENT);
		return builder.build();
	}

	/** One figure's measurement: ops/s and JMH's 99.9% confidence half-width (NaN with one sample). */
	record Measurement(Figure figure, double score, double error, String unit) {

		String formatted() {
			String error = Double.isNaN(this.error) ? "n/a" : String.format(Locale.ROOT, "%.1f", this.error);
			return String.format(Locale.ROOT, "%.1f ± %s %s", this.score, error, this.unit);
		}

	}

	/** One ratio as measured; NaN when a figure is missing. */
	record RatioResult(Ratio ratio, double value) {

		boolean met() {
			return !Double.isNaN(this.value) && this.value >= this.ratio.target();
		}

		String verdict() {
			return met() ? "MET" : "NOT MET";
		}

		String formattedValue() {
			return Double.isNaN(this.value) ? "n/a" : String.format(Locale.ROOT, "%.2fx", this.value);
		}

		String formattedTarget() {
			return String.format(Locale.ROOT, ">= %.2fx", this.ratio.target());
		}

	}

	/**
	 * A replication latency target: commit-to-replicated p99 within the sync interval + 100 ms (issue
	 * 5), read replica lag p99 within 2 s (issue 7).
	 */
	record LimitResult(String label, double value, double limit, boolean met) {

		static final String LABEL = "commit-to-replicated p99 <= sync interval + 100 ms";

		static final String FOLLOWER_LABEL = "read replica lag p99 <= " + FollowerLag.LIMIT.toMillis() + " ms";

		static LimitResult of(ReplicationRuns.Result replication) {
			if (replication == null) {
				return new LimitResult(LABEL, Double.NaN, Double.NaN, false);
			}
			ReplicationRuns.Latency latency = replication.latency();
			return new LimitResult(LABEL, latency.p99(), latency.limitMillis(), latency.met());
		}

		static LimitResult follower(ReplicationRuns.Result replication) {
			if (replication == null) {
				return new LimitResult(FOLLOWER_LABEL, Double.NaN, Double.NaN, false);
			}
			FollowerLag.Result follower = replication.follower();
			return new LimitResult(FOLLOWER_LABEL, follower.p99(), follower.limitMillis(), follower.met());
		}

		String verdict() {
			return this.met ? "MET" : "NOT MET";
		}

		String formattedValue() {
			return ReplicationRuns.Result.ms(this.value);
		}

		String formattedLimit() {
			return "<= " + ReplicationRuns.Result.ms(this.limit);
		}

	}

	/** Everything one run measured; {@code replication} is null when the timed runs were skipped. */
	public record Report(ReportOptions options, String date, Map<String, Measurement> measurements,
			List<RatioResult> ratios, List<RatioResult> infoRatios, ReplicationRuns.Result replication,
			LimitResult latencyLimit, LimitResult followerLimit, ClusterRuns.Result cluster, Failover.Result failover,
			LitestreamSideBySide.Result sideBySide, SizeRuns.Result sizes) {

		static Report of(ReportOptions options, Collection<RunResult> results, ReplicationRuns.Result replication,
				ClusterRuns.Result cluster, Failover.Result failover, LitestreamSideBySide.Result sideBySide,
				SizeRuns.Result sizes) {
			Map<String, Measurement> measurements = new LinkedHashMap<>();
			for (Figure figure : Figure.ALL) {
				for (RunResult result : results) {
					if (result.getParams().getBenchmark().equals(figure.qualifiedBenchmark())) {
						measurements.put(figure.key(), measurement(figure, result));
					}
				}
			}
			List<RatioResult> ratios = ratios(Ratio.ALL, measurements);
			List<RatioResult> infoRatios = ratios(Ratio.INFO, measurements);
			String date = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
			return new Report(options, date, measurements, ratios, infoRatios, replication, LimitResult.of(replication),
					LimitResult.follower(replication), cluster, failover, sideBySide, sizes);
		}

		/**
		 * A benchmark's own result, or one workload's count among workloads that took turns: that
		 * workload ran for its share of the time only, so its rate while it ran is its count's rate
		 * times the number of workloads.
		 */
		private static Measurement measurement(Figure figure, RunResult result) {
			if (figure.counter() == null) {
				Result<?> primary = result.getPrimaryResult();
				return new Measurement(figure, primary.getScore(), primary.getScoreError(), primary.getScoreUnit());
			}
			Result<?> count = result.getSecondaryResults().get(figure.counter());
			if (count == null) {
				throw new IllegalStateException("The benchmark " + figure.benchmark() + " reported no counter "
						+ figure.counter() + ", only " + result.getSecondaryResults().keySet());
			}
			return new Measurement(figure, count.getScore() * figure.workloads(),
					count.getScoreError() * figure.workloads(), count.getScoreUnit());
		}

		private static List<RatioResult> ratios(List<Ratio> wanted, Map<String, Measurement> measurements) {
			List<RatioResult> ratios = new ArrayList<>();
			for (Ratio ratio : wanted) {
				double value = quotient(measurements, ratio.numerator(), ratio.denominator());
				if (ratio.relative()) {
					value /= quotient(measurements, ratio.baselineNumerator(), ratio.baselineDenominator());
				}
				ratios.add(new RatioResult(ratio, value));
			}
			return ratios;
		}

		private static double quotient(Map<String, Measurement> measurements, String numerator, String denominator) {
			Measurement top = measurements.get(numerator);
			Measurement bottom = measurements.get(denominator);
			return (top != null && bottom != null && bottom.score() > 0) ? top.score() / bottom.score() : Double.NaN;
		}

		/** The replication latency targets, in the order printed. */
		List<LimitResult> limits() {
			return List.of(this.latencyLimit, this.followerLimit);
		}

		/** The cluster targets, each NOT MET and unmeasured when those runs were skipped. */
		List<TimedTarget> clusterChecks() {
			if (this.cluster != null) {
				return this.cluster.checks();
			}
			return ClusterRuns.targetLabels().stream().map((label) -> new TimedTarget(label, "n/a", "", false)).toList();
		}

		/** The failover target, NOT MET and unmeasured when the run was skipped. */
		List<TimedTarget> failoverChecks() {
			if (this.failover != null) {
				return this.failover.checks();
			}
			return Failover.targetLabels().stream().map((label) -> new TimedTarget(label, "n/a", "", false)).toList();
		}

		/** The side-by-side targets, each NOT MET and unmeasured when those runs were skipped. */
		List<TimedTarget> sideBySideChecks() {
			if (this.sideBySide != null) {
				return this.sideBySide.checks();
			}
			return LitestreamSideBySide.targetLabels().stream().map((label) -> new TimedTarget(label, "n/a", "", false)).toList();
		}

		/** The database-size targets, each NOT MET and unmeasured when those runs were skipped. */
		List<TimedTarget> sizeChecks() {
			List<Long> sizes = SizeRuns.sizes(this.options);
			if (this.sizes != null) {
				return this.sizes.checks(sizes);
			}
			return SizeRuns.targetLabels(sizes).stream().map((label) -> new TimedTarget(label, "n/a", "", false)).toList();
		}

		/** The targets of the timed runs, in the order printed. */
		List<TimedTarget> timedTargets() {
			List<TimedTarget> targets = new ArrayList<>(clusterChecks());
			targets.addAll(failoverChecks());
			targets.addAll(sideBySideChecks());
			targets.addAll(sizeChecks());
			return targets;
		}

		/** How many targets there are in all, and how many are met. */
		long targets() {
			return this.ratios.size() + limits().size() + timedTargets().size();
		}

		long targetsMet() {
			return this.ratios.stream().filter(RatioResult::met).count() + limits().stream().filter(LimitResult::met).count()
					+ timedTargets().stream().filter(TimedTarget::met).count();
		}

		void print(PrintStream out) {
			out.println();
			out.println("Figures (higher is better; ± is JMH's 99.9% confidence half-width):");
			for (Figure figure : Figure.ALL) {
				Measurement measurement = this.measurements.get(figure.key());
				out.printf(Locale.ROOT, "figure  %-14s %-68s %s%n", figure.key(), figure.label(),
						(measurement != null) ? measurement.formatted() : "MISSING");
			}
			out.println();
			out.println("Replication (timed runs in this JVM, not JMH: directory replica, default sync interval):");
			for (ReplicationRuns.Line line : ReplicationRuns.LINES) {
				out.printf(Locale.ROOT, "repl    %-16s %-64s %s%n", line.key(), line.label(),
						(this.replication != null) ? this.replication.value(line.key()) : "MISSING (skipped)");
			}
			if (this.replication != null) {
				out.printf(Locale.ROOT, "info    heavy load throughput, replication on / off: %.2fx (not a target)%n",
						this.replication.heavyRatio());
			}
			out.println();
			out.println("Cluster (timed runs in this JVM: Spring Boot web nodes on Tomcat, loopback HTTP, directory replica):");
			for (ReplicationRuns.Line line : ClusterRuns.LINES) {
				out.printf(Locale.ROOT, "cluster %-16s %-64s %s%n", line.key(), line.label(),
						(this.cluster != null) ? this.cluster.value(line.key()) : "MISSING (skipped)");
			}
			out.println();
			out.println("Failover (" + Failover.NODES + " forked JVMs in auto mode: Spring Boot web nodes on Tomcat, "
					+ "loopback HTTP, directory replica, lease timeout " + ReportOptions.format(Failover.LEASE_TIMEOUT)
					+ ", sync and poll intervals " + ReportOptions.format(Failover.SYNC_INTERVAL) + "):");
			if (this.failover != null) {
				for (Failover.Round round : this.failover.rounds()) {
					out.printf(Locale.ROOT, "failover round %-8d %s%n", round.number(), round.describe());
				}
				out.printf(Locale.ROOT, "failover %-15s %-64s %s%n", "p50", Failover.LABEL + ", p50",
						ReplicationRuns.Result.ms(this.failover.p50()));
				out.printf(Locale.ROOT, "failover %-15s %-64s %s%n", "max", Failover.LABEL + ", max",
						ReplicationRuns.Result.ms(this.failover.max()));
				out.printf(Locale.ROOT, "failover %-15s %s%n", "run", this.failover.describe());
			}
			else {
				out.println("failover MISSING (skipped)");
			}
			out.println();
			out.println("Litestream side by side (timed runs in this JVM: single-row commits, directory replicas, 1 s sync):");
			if (this.sideBySide != null) {
				for (LitestreamSideBySide.Run run : this.sideBySide.runs()) {
					out.printf(Locale.ROOT, "side    %-44s %s%n",
							run.shipper().label + ", " + LitestreamSideBySide.paceLabel(run.pace()), this.sideBySide.describe(run));
				}
			}
			else {
				out.println("side    MISSING (skipped)");
			}
			out.println();
			out.println("Database sizes (timed runs in this JVM: incompressible 1 KiB rows, directory replica):");
			if (this.sizes != null) {
				for (SizeRuns.Size size : this.sizes.sizes()) {
					out.printf(Locale.ROOT, "size    %-8s %s%n", SizeRuns.megabytes(size.bytes()), size.describe());
				}
			}
			else {
				out.println("size    MISSING (skipped)");
			}
			out.println();
			out.println("Targets (ratios of figures from this run, and the replication latency limits), on "
					+ Runtime.getRuntime().availableProcessors() + " cores:");
			for (RatioResult ratio : this.ratios) {
				out.printf(Locale.ROOT, "ratio   %-58s %8s  target %s  %s%n", ratio.ratio().label(),
						ratio.formattedValue(), ratio.formattedTarget(), ratio.verdict());
			}
			for (LimitResult limit : limits()) {
				out.printf(Locale.ROOT, "limit   %-58s %10s  target %s  %s%n", limit.label(), limit.formattedValue(),
						limit.formattedLimit(), limit.verdict());
			}
			for (TimedTarget check : timedTargets()) {
				out.printf(Locale.ROOT, "target  %-58s %10s  target %s  %s%n", check.label(), check.measured(),
						check.wanted(), check.verdict());
			}
			for (RatioResult info : this.infoRatios) {
				out.printf(Locale.ROOT, "info    %-58s %8s  (not a target)%n", info.ratio().label(), info.formattedValue());
			}
			out.println();
			out.println(targetsMet() + " of " + targets() + " targets met, on "
					+ Runtime.getRuntime().availableProcessors() + " cores.");
			out.flush();
		}

		String markdown() {
			StringBuilder md = new StringBuilder();
			md.append("# kiwi-db benchmark results\n\n");
			md.append("Run ").append(this.date).append(", ").append(this.options.describe()).append(".  \n");
			md.append("JVM: ")
				.append(System.getProperty("java.vm.name"))
				.append(' ')
				.append(System.getProperty("java.runtime.version"))
				.append(", ")
				.append(Runtime.getRuntime().availableProcessors())
				.append(" processors.  \n");
			md.append("Command: `").append(COMMAND).append("`\n\n");
			md.append("| target | measured | wanted | |\n|---|---:|---:|---|\n");
			for (RatioResult ratio : this.ratios) {
				md.append("| ")
					.append(ratio.ratio().label())
					.append(" | ")
					.append(ratio.formattedValue())
					.append(" | ")
					.append(ratio.formattedTarget().replace(">=", "≥"))
					.append(" | ")
					.append(ratio.verdict())
					.append(" |\n");
			}
			for (LimitResult limit : limits()) {
				md.append("| ")
					.append(limit.label().replace("<=", "≤"))
					.append(" | ")
					.append(limit.formattedValue())
					.append(" | ")
					.append(limit.formattedLimit().replace("<=", "≤"))
					.append(" | ")
					.append(limit.verdict())
					.append(" |\n");
			}
			for (TimedTarget check : timedTargets()) {
				md.append("| ")
					.append(check.label())
					.append(" | ")
					.append(check.measured())
					.append(" | ")
					.append(check.wanted().replace(">=", "≥").replace("<=", "≤"))
					.append(" | ")
					.append(check.verdict())
					.append(" |\n");
			}
			md.append("\nNot targets: the scaling that the relative read-only targets compare, and kiwi-db "
					+ "against baselines with another file locking.\n\n");
			md.append("| comparison | measured |\n|---|---:|\n");
			for (RatioResult info : this.infoRatios) {
				md.append("| ").append(info.ratio().label()).append(" | ").append(info.formattedValue()).append(" |\n");
			}
			md.append("\n| figure | benchmark | ops/s | ± (99.9%) |\n|---|---|---:|---:|\n");
			for (Figure figure : Figure.ALL) {
				Measurement measurement = this.measurements.get(figure.key());
				md.append("| ").append(figure.label()).append(" | `").append(figure.source()).append("` | ");
				if (measurement == null) {
					md.append("missing | |\n");
				}
				else {
					md.append(String.format(Locale.ROOT, "%,.0f", measurement.score()))
						.append(" | ")
						.append(Double.isNaN(measurement.error()) ? "n/a"
								: String.format(Locale.ROOT, "%,.0f", measurement.error()))
						.append(" |\n");
				}
			}
			md.append("\n![Measured ratios against their targets](").append(CHART_FILE).append(")\n");
			md.append("\n## Replication\n\n");
			md.append("Timed runs in the report's JVM (not JMH), each over a fresh kiwi-db context replicating to a "
					+ "directory at the default sync interval. Latency: one writer commits a single-row transaction "
					+ "every ")
				.append(ReplicationRuns.COMMIT_EVERY_MILLIS)
				.append(" ms; a monitor polls `PrimaryReplication.status().transactionsShipped()` about every "
						+ "millisecond. Heavy load: transactions of ")
				.append(ReplicationRuns.ROWS_PER_TX)
				.append(" incompressible ")
				.append(ReplicationRuns.ROW_BYTES)
				.append("-byte rows, so the log crosses the checkpoint threshold at every sync: paced at ")
				.append(ReplicationRuns.PACED_TX_PER_SECOND)
				.append(" a second with replication on, then back to back with it on and off. Read replica lag: a "
						+ "read replica of the directory (`ReadReplication.prepare`, a `KiwiDataSource` opened as a replica, "
						+ "a `ReadReplication` at the default poll interval) follows a primary committing a single-row "
						+ "transaction every ")
				.append(FollowerLag.COMMIT_EVERY_MILLIS)
				.append(" ms; a reader on the replica reads the newest sequence number about every ")
				.append(FollowerLag.READ_EVERY_MILLIS)
				.append(" ms, and the lag of a commit is from when it returned to when it was first read there. The "
						+ "follower starts polling ")
				.append(FollowerLag.FOLLOWER_PHASE_MILLIS)
				.append(" ms after a sync of the primary, near the worst phase of the two schedules.\n\n");
			md.append("| figure | measured |\n|---|---|\n");
			for (ReplicationRuns.Line line : ReplicationRuns.LINES) {
				md.append("| ")
					.append(line.label())
					.append(" | ")
					.append((this.replication != null) ? this.replication.value(line.key()) : "skipped")
					.append(" |\n");
			}
			if (this.replication != null) {
				md.append(String.format(Locale.ROOT, "| heavy load throughput, replication on / off | %.2fx |\n",
						this.replication.heavyRatio()));
			}
			md.append("\n![Replication latency and checkpoint barrier](").append(REPLICATION_CHART_FILE).append(")\n");
			md.append("\n## Cluster\n\n");
			md.append("Timed runs in the report's JVM over Spring Boot web nodes of one small service (`POST /items` "
					+ "inserting a row through JdbcClient), each on Tomcat at a loopback port, sharing a directory "
					+ "replica and a peer secret; replicas stream from the primary's `/kiwi-db/` endpoint. Streaming "
					+ "lag: the primary commits a single-row transaction every ")
				.append(StreamingLag.COMMIT_EVERY_MILLIS)
				.append(" ms, a reader on the replica reads the newest about every ")
				.append(StreamingLag.READ_EVERY_MILLIS)
				.append(" ms. Forwarded writes: one JDK HttpClient sends `POST /items` alternately to the primary and "
						+ "to the replica, which forwards it and answers once it has applied the commit. Throughput: ")
				.append(StreamingThroughput.THREADS)
				.append(" threads insert single rows on the primary with no replica, two streaming, and none again; "
						+ "the replicas share this machine's cores. Commit-ack: ")
				.append(CommitAckThroughput.THREADS)
				.append(" threads insert single rows on a primary with one replica streaming, its commits returning once "
						+ "they are in the local file (`kiwi.db.replication.commit-ack=local`), then on a second cluster "
						+ "once the replica holds them (`replica`, 1 s timeout), then on the first again.\n\n");
			md.append("| figure | measured |\n|---|---|\n");
			for (ReplicationRuns.Line line : ClusterRuns.LINES) {
				md.append("| ")
					.append(line.label())
					.append(" | ")
					.append((this.cluster != null) ? this.cluster.value(line.key()) : "skipped")
					.append(" |\n");
			}
			md.append("\n## Failover\n\n");
			md.append(Failover.NODES)
				.append(" nodes of the same service in `kiwi.db.replication.mode=auto`, each a JVM of its own on its "
						+ "own file, sharing a directory replica and a peer secret; lease timeout ")
				.append(ReportOptions.format(Failover.LEASE_TIMEOUT))
				.append(", sync and poll intervals ")
				.append(ReportOptions.format(Failover.SYNC_INTERVAL))
				.append(". Each round: once one node is the primary and a write through every node is acknowledged, "
						+ "one thread sends `POST /items` to each of the two others every ")
				.append(FailoverWriter.EVERY_MILLIS)
				.append(" ms without waiting for the answers, the primary is killed with SIGKILL, and the time is from "
						+ "the kill to the first 2xx answering a write sent after it. The killed node then starts again "
						+ "on its own file and follows before the next round.\n\n");
			md.append("| round | measured |\n|---|---|\n");
			if (this.failover != null) {
				for (Failover.Round round : this.failover.rounds()) {
					md.append("| ").append(round.number()).append(" | ").append(round.describe()).append(" |\n");
				}
				md.append("| ")
					.append(Failover.LABEL)
					.append(", p50 / max | ")
					.append(ReplicationRuns.Result.ms(this.failover.p50()))
					.append(" / ")
					.append(ReplicationRuns.Result.ms(this.failover.max()))
					.append(" |\n");
			}
			else {
				md.append("| skipped | |\n");
			}
			md.append("\n## Litestream side by side\n\n");
			md.append("One thread commits single-row transactions, paced at ")
				.append(String.format(Locale.ROOT, "%,d", LitestreamSideBySide.PACED_COMMITS_PER_SECOND))
				.append(" a second, then unthrottled: kiwi-db with replication off; kiwi-db replicating to a directory; "
						+ "kiwi-db with `kiwi.db.process-exclusive=false` while `litestream replicate` (")
				.append(LitestreamBinary.VERSION)
				.append(") ships the same file to a directory. Both at their default intervals.\n\n");
			md.append("| run | measured |\n|---|---|\n");
			if (this.sideBySide != null) {
				for (LitestreamSideBySide.Run run : this.sideBySide.runs()) {
					md.append("| ")
						.append(run.shipper().label)
						.append(", ")
						.append(LitestreamSideBySide.paceLabel(run.pace()))
						.append(" | ")
						.append(this.sideBySide.describe(run))
						.append(" |\n");
				}
			}
			else {
				md.append("| skipped | |\n");
			}
			md.append("\n## Database sizes\n\n");
			md.append("A database of incompressible 1 KiB rows at each size, a directory replica. Startup: a service "
					+ "context on the existing file, Flyway with nothing to do (median of three). Full snapshot: the same "
					+ "start with replication on and an empty replica until the snapshot is shipped, less the startup. "
					+ "Restore: the latest state from that replica, by kiwi-db and by `litestream restore`, one untimed "
					+ "restore by each, then five of each in alternating order (kiwi-db first, then litestream first, "
					+ "and so on), each after a "
					+ "`sync` and a half-second settle, the median of each; every copy checked equal to the primary's "
					+ "file. Read replica: a replica-mode context's first start on a "
					+ "missing file. Clean restart: the bytes the replica grew by when the primary stopped and started "
					+ "again.\n\n");
			md.append("| size | startup | full snapshot | restore: kiwi-db | restore: litestream | read replica's first start "
					+ "| clean restart uploads |\n|---|---:|---:|---:|---:|---:|---:|\n");
			if (this.sizes != null) {
				for (SizeRuns.Size size : this.sizes.sizes()) {
					md.append("| ").append(SizeRuns.megabytes(size.bytes())).append(" | ");
					if (!size.measured()) {
						md.append("skipped | | | | | |\n");
						continue;
					}
					md.append(String.format(Locale.ROOT, "%.0f ms | %.0f ms | %.0f ms (%.0f MB/s) | %.0f ms (%.0f MB/s) | %.0f ms | %,d B |%n",
							size.startupMillis(), size.snapshotMillis(), size.kiwiRestoreMillis(),
							size.throughput(size.kiwiRestoreMillis()), size.litestreamRestoreMillis(),
							size.throughput(size.litestreamRestoreMillis()), size.replicaFirstStartMillis(),
							size.restartUploadBytes()));
				}
			}
			md.append("\n![Costs by database size](").append(SIZE_CHART_FILE).append(")\n");
			return md.toString();
		}

	}

}
