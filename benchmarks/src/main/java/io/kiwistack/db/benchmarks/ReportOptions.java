package io.kiwistack.db.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How the report runs: full mode by default (sized for a 2-core machine), {@code --smoke} for a
 * seconds-long check that everything runs, each setting overridable.
 */
record ReportOptions(boolean smoke, int forks, int warmupIterations, TimeValue warmupTime, int measurementIterations,
		TimeValue measurementTime, Path outputDirectory, boolean verbose, String include, TimeValue replicationTime,
		boolean sizeRuns, boolean large, boolean withClusterRuns, Alone alone, int failoverRounds,
		List<Long> sizesMegabytes) {

	/** The part of the report a {@code --...-only} option runs alone; {@code null} in a record runs them all. */
	enum Alone {

		CLUSTER("--cluster-only"), COMMIT_ACK("--commit-ack-only"), FAILOVER("--failover-only"), SIZES("--sizes-only"),
		LITESTREAM("--litestream-only");

		private final String option;

		Alone(String option) {
			this.option = option;
		}

	}

	/** Rounds of the failover run in full mode; a smoke run has one. */
	static final int FAILOVER_ROUNDS = 10;

	static final String USAGE = """
			Usage: java -jar benchmarks/target/kiwi-db-benchmarks.jar [options]
			  --smoke                 forks 0, no warmup, one short iteration each: proves it runs, measures nothing
			  --forks N               JMH forks per benchmark (full mode: 1)
			  --warmup-iterations N   (full mode: 2; the read-only scaling benchmarks take 4 times as many)
			  --warmup-time T         e.g. 2s, 500ms (full mode: 2s)
			  --iterations N          measurement iterations (full mode: 3)
			  --time T                measurement iteration time (full mode: 3s)
			  --out DIR               where benchmark-results.md, .png and benchmark-replication.png go (default: the jar's directory, benchmarks/target)
			  --include REGEX         run only the benchmarks matching REGEX (e.g. WriteBenchmarks); other figures are missing
			  --verbose / --quiet     JMH's own progress output (default: shown in full mode, hidden in smoke mode)
			  --replication-time T    how long the commit-to-replicated latency run and the read replica lag run
			                          each write (full mode: 20s, smoke: 2s); each of the 3 heavy-load runs takes
			                          half of it (a quarter in smoke mode)
			  --no-replication-runs   skip those timed runs, the cluster runs and Litestream side by side (their
			                          figures are missing)
			  --no-cluster-runs       skip the cluster runs: streaming replicas and forwarded writes, on Tomcat,
			                          and the failover run
			  --cluster-only          only the cluster runs (no JMH, no other timed runs): streaming lag for the
			                          replication time, forwarded writes, throughput for 5 x half of it,
			                          commit-ack replica against local for 6 x half of it, and the failover run
			  --commit-ack-only       only the commit-ack run of the cluster runs: write throughput with
			                          commit-ack replica against local, one streaming replica, 6 x half the
			                          replication time
			  --litestream-only       only Litestream side by side (no JMH, no other timed runs): kiwi-db with
			                          replication off, on, and litestream beside it, paced then unthrottled,
			                          half the replication time each
			  --failover-only         only the failover run: 3 forked nodes in auto mode, the primary killed with
			                          SIGKILL each round (20-30 s a round on a busy 2-core machine, most of it
			                          the killed node's restart)
			  --failover-rounds N     rounds of the failover run (full mode: 10, smoke: 1)
			  --no-size-runs          skip the runs at each database size (10 MB, 100 MB, 1 GB; a few MB in smoke mode)
			  --large                 add 10 GB to the database sizes (needs 50 GB free in the temporary directory)
			  --sizes MB[,MB...]      the database sizes of the size runs instead, e.g. 100 or 100,1000
			  --sizes-only            only the size runs (no JMH, no other timed runs)
			JVM options given to java (for example -Dkiwi.db.pool.readers=4) reach the forked JVMs too.
			""";

	static ReportOptions parse(String... args) {
		boolean smoke = List.of(args).contains("--smoke");
		int forks = smoke ? 0 : 1;
		int warmupIterations = smoke ? 0 : 2;
		TimeValue warmupTime = smoke ? TimeValue.milliseconds(100) : TimeValue.seconds(2);
		int iterations = smoke ? 1 : 3;
		TimeValue time = smoke ? TimeValue.milliseconds(300) : TimeValue.seconds(3);
		Path out = null;
		Boolean verbose = null;
		String include = null;
		TimeValue replicationTime = smoke ? TimeValue.seconds(2) : TimeValue.seconds(20);
		boolean sizeRuns = true;
		boolean large = false;
		boolean clusterRuns = true;
		Alone alone = null;
		int failoverRounds = smoke ? 1 : FAILOVER_ROUNDS;
		List<Long> sizesMegabytes = null;
		List<String> rest = new ArrayList<>(List.of(args));
		for (int i = 0; i < rest.size(); i++) {
			String arg = rest.get(i);
			switch (arg) {
				case "--smoke" -> {
				}
				case "--forks" -> forks = Integer.parseInt(value(rest, ++i, arg));
				case "--warmup-iterations" -> warmupIterations = Integer.parseInt(value(rest, ++i, arg));
				case "--warmup-time" -> warmupTime = TimeValue.fromString(value(rest, ++i, arg));
				case "--iterations" -> iterations = Integer.parseInt(value(rest, ++i, arg));
				case "--time" -> time = TimeValue.fromString(value(rest, ++i, arg));
				case "--out" -> out = Path.of(value(rest, ++i, arg));
				case "--include" -> include = value(rest, ++i, arg);
				case "--verbose" -> verbose = true;
				case "--quiet" -> verbose = false;
				case "--replication-time" -> replicationTime = TimeValue.fromString(value(rest, ++i, arg));
				case "--no-replication-runs" -> replicationTime = null;
				case "--no-size-runs" -> sizeRuns = false;
				case "--large" -> large = true;
				case "--no-cluster-runs" -> clusterRuns = false;
				case "--cluster-only" -> alone = alone(alone, Alone.CLUSTER);
				case "--failover-only" -> alone = alone(alone, Alone.FAILOVER);
				case "--failover-rounds" -> failoverRounds = Integer.parseInt(value(rest, ++i, arg));
				case "--commit-ack-only" -> alone = alone(alone, Alone.COMMIT_ACK);
				case "--sizes-only" -> alone = alone(alone, Alone.SIZES);
				case "--sizes" -> sizesMegabytes = megabytes(value(rest, ++i, arg));
				case "--litestream-only" -> alone = alone(alone, Alone.LITESTREAM);
				default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
			}
		}
		if (alone == Alone.CLUSTER || alone == Alone.COMMIT_ACK || alone == Alone.FAILOVER) {
			if (replicationTime == null || !clusterRuns) {
				throw new IllegalArgumentException(alone.option + " runs cluster runs: not with --no-replication-runs "
						+ "or --no-cluster-runs\n" + USAGE);
			}
		}
		if (alone == Alone.LITESTREAM && replicationTime == null) {
			throw new IllegalArgumentException("--litestream-only runs Litestream side by side alone: not with "
					+ "--no-replication-runs\n" + USAGE);
		}
		if (alone == Alone.SIZES && !sizeRuns) {
			throw new IllegalArgumentException("--sizes-only runs the size runs alone: not with --no-size-runs\n" + USAGE);
		}
		if (alone != null && alone != Alone.SIZES) {
			sizeRuns = false;
		}
		if (failoverRounds < 1) {
			throw new IllegalArgumentException("--failover-rounds must be at least 1\n" + USAGE);
		}
		if (forks < 0 || warmupIterations < 0 || iterations < 1) {
			throw new IllegalArgumentException("forks and warmup iterations must be >= 0, iterations >= 1\n" + USAGE);
		}
		if (replicationTime != null && replicationTime.convertTo(TimeUnit.MILLISECONDS) < 100) {
			throw new IllegalArgumentException("--replication-time must be at least 100ms\n" + USAGE);
		}
		return new ReportOptions(smoke, forks, warmupIterations, warmupTime, iterations, time,
				(out != null) ? out : defaultOutputDirectory(), (verbose != null) ? verbose : !smoke, include,
				replicationTime, sizeRuns, large, clusterRuns, alone, failoverRounds, sizesMegabytes);
	}

	/** {@code chosen} alone, refused when another part was chosen to run alone already. */
	private static Alone alone(Alone before, Alone chosen) {
		if (before != null && before != chosen) {
			throw new IllegalArgumentException(before.option + " and " + chosen.option
					+ " each run one part of the report alone: give one of them\n" + USAGE);
		}
		return chosen;
	}

	/** The sizes of {@code --sizes}: positive whole megabytes, comma-separated. */
	private static List<Long> megabytes(String value) {
		List<Long> sizes = new ArrayList<>();
		for (String part : value.split(",")) {
			long megabytes;
			try {
				megabytes = Long.parseLong(part.trim());
			}
			catch (NumberFormatException ex) {
				megabytes = 0;
			}
			if (megabytes < 1) {
				throw new IllegalArgumentException("--sizes takes whole megabytes, e.g. 100 or 100,1000, not " + value + "\n" + USAGE);
			}
			sizes.add(megabytes);
		}
		return List.copyOf(sizes);
	}

	private static String value(List<String> args, int index, String option) {
		if (index >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
		}
		return args.get(index);
	}

	/**
	 * The directory holding the running jar ({@code benchmarks/target}), or the parent of the
	 * classes directory ({@code target}) when run from a build's classes.
	 */
	static Path defaultOutputDirectory() {
		try {
			Path location = Path.of(BenchmarkReport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return location.toAbsolutePath().getParent();
		}
		catch (URISyntaxException | RuntimeException ex) {
			return Path.of("target").toAbsolutePath();
		}
	}

	/** Whether the timed replication runs (latency, read replica lag, heavy load) run. */
	boolean replicationRuns() {
		return this.replicationTime != null && this.alone == null;
	}

	/** Whether Litestream side by side runs: with the timed replication runs, or alone. */
	boolean sideBySideRuns() {
		return replicationRuns() || (this.replicationTime != null && this.alone == Alone.LITESTREAM);
	}

	/** Whether the cluster runs (streaming lag, forwarded writes, throughput with replicas) run: all, or the commit-ack run alone. */
	boolean clusterRuns() {
		return this.replicationTime != null && this.withClusterRuns
				&& (this.alone == null || this.alone == Alone.CLUSTER || this.alone == Alone.COMMIT_ACK);
	}

	/** Whether the cluster runs are the commit-ack run alone. */
	boolean commitAckOnly() {
		return this.alone == Alone.COMMIT_ACK;
	}

	/** Whether the failover run runs: with the cluster runs, or alone. */
	boolean failoverRuns() {
		return this.replicationTime != null && this.withClusterRuns
				&& (this.alone == null || this.alone == Alone.CLUSTER || this.alone == Alone.FAILOVER);
	}

	/** Whether the JMH benchmarks run: not when one part of the report runs alone. */
	boolean jmh() {
		return this.alone == null;
	}

	/** How long the commit-to-replicated latency run writes, and the read replica lag run too. */
	Duration latencyRunTime() {
		return Duration.ofNanos(this.replicationTime.convertTo(TimeUnit.NANOSECONDS));
	}

	/** How long each heavy-load run writes: half the latency run (a quarter in smoke mode). */
	Duration heavyLoadRunTime() {
		return latencyRunTime().dividedBy(this.smoke ? 4 : 2);
	}

	/** A duration as JMH prints its times: "20 s", "500 ms". */
	static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	String describe() {
		String only = (this.include != null) ? ", only " + this.include : "";
		String sizes = this.sizeRuns ? ", database sizes " + SizeRuns.sizes(this).stream().map(SizeRuns::megabytes).toList()
				: ", no size runs";
		String replication = replicationRuns()
				? ", replication runs 2 x " + format(latencyRunTime()) + " + 3 x " + format(heavyLoadRunTime())
				: ", no replication runs";
		String failover = ", failover " + this.failoverRounds + ((this.failoverRounds == 1) ? " round" : " rounds");
		String cluster = clusterRuns()
				? ", cluster runs " + format(latencyRunTime()) + " + forwarded writes + 5 x " + format(heavyLoadRunTime())
						+ " + commit-ack 6 x " + format(heavyLoadRunTime()) + failover
				: ", no cluster runs";
		String smokeMode = this.smoke ? " (smoke mode)" : "";
		if (this.alone != null) {
			return switch (this.alone) {
				case SIZES -> "size runs only" + sizes + smokeMode;
				case LITESTREAM -> "Litestream side by side only, 6 x " + format(heavyLoadRunTime()) + smokeMode;
				case FAILOVER -> "failover run only" + failover.substring(", failover".length()) + smokeMode;
				case COMMIT_ACK -> "the commit-ack cluster run only, 6 x " + format(heavyLoadRunTime()) + smokeMode;
				case CLUSTER -> "cluster runs only" + cluster.substring(", cluster runs".length()) + smokeMode;
			};
		}
		replication += cluster;
		if (this.smoke) {
			return "smoke mode (forks " + this.forks + ", " + this.measurementIterations + " x " + this.measurementTime
					+ " per benchmark" + replication + sizes + ": proves it runs, the figures mean nothing" + only + ")";
		}
		return "forks " + this.forks + ", warmup " + this.warmupIterations + " x " + this.warmupTime + ", measurement "
				+ this.measurementIterations + " x " + this.measurementTime + replication + sizes + only;
	}

}
