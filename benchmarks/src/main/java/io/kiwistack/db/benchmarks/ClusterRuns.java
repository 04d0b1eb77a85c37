package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The cluster figures of issue 15, timed runs in the report's JVM over {@link WebCluster}s (Spring
 * Boot web nodes on Tomcat, loopback HTTP, a directory replica): read replica lag while streaming
 * ({@link StreamingLag}), a write sent to a replica against one sent to the primary
 * ({@link ForwardedWrites}) on the same cluster, then the primary's throughput with two streaming
 * replicas against none on a cluster of its own ({@link StreamingThroughput}), and its throughput
 * when each commit waits for a replica against when it does not ({@link CommitAckThroughput}). A
 * run of the last alone ({@code --commit-ack-only}) leaves the others missing.
 */
final class ClusterRuns {

	/** Requests to each node in the forwarded-write run (smoke: a few). */
	static final int FORWARDED_WRITES = 1000;

	static final List<ReplicationRuns.Line> LINES = List.of(
			new ReplicationRuns.Line("stream.p50", "read replica lag, streaming (commit to visible), p50"),
			new ReplicationRuns.Line("stream.p99", "read replica lag, streaming (commit to visible), p99"),
			new ReplicationRuns.Line("stream.max", "read replica lag, streaming (commit to visible), max"),
			new ReplicationRuns.Line("stream.run", "streaming lag run: commits / visible, rate, reads"),
			new ReplicationRuns.Line("write.primary", "POST /items to the primary: p50 / p99 / max"),
			new ReplicationRuns.Line("write.replica", "POST /items to a replica (forwarded, read-your-writes): p50 / p99 / max"),
			new ReplicationRuns.Line("write.run", "forwarded-write run: requests each, failures, rows"),
			new ReplicationRuns.Line("tput.none", "primary throughput, no replica: before / after"),
			new ReplicationRuns.Line("tput.two", "primary throughput, two replicas streaming"),
			new ReplicationRuns.Line("tput.cpu.before", "throughput run, no replica (before): where the CPU went"),
			new ReplicationRuns.Line("tput.cpu.two", "throughput run, two replicas: where the CPU went"),
			new ReplicationRuns.Line("tput.cpu.after", "throughput run, no replica (after): where the CPU went"),
			new ReplicationRuns.Line("tput.per.cpu", "commits per CPU second of the primary's threads: before / two / after"),
			new ReplicationRuns.Line("tput.run", "throughput run: phases, replicas caught up"),
			new ReplicationRuns.Line("ack.local", "commit-ack local, one replica streaming: before / after"),
			new ReplicationRuns.Line("ack.replica", "commit-ack replica, one replica streaming"),
			new ReplicationRuns.Line("ack.run", "commit-ack run: phases, timeouts, replica held the last at once"),
			new ReplicationRuns.Line("ack.handoff", "one thread waking another on this machine (unpark to running)"),
			new ReplicationRuns.Line("ack.cpu.local", "commit-ack local (before): where the CPU went"),
			new ReplicationRuns.Line("ack.cpu.replica", "commit-ack replica: where the CPU went"),
			new ReplicationRuns.Line("ack.cpu.bound", "commit-ack: CPU per commit, and the ratio this machine's cores allow at that cost"));

	private ClusterRuns() {
	}

	static Result run(ReportOptions options, PrintStream progress) throws IOException, InterruptedException {
		StreamingLag.Result lag = null;
		ForwardedWrites.Result writes = null;
		StreamingThroughput.Result throughput = null;
		if (!options.commitAckOnly()) {
			progress.println("cluster: streaming lag run, " + ReportOptions.format(options.latencyRunTime())
					+ ", then forwarded writes, on a primary and a read replica ...");
			progress.flush();
			try (WebCluster cluster = WebCluster.start("streaming", 500)) {
				WebCluster.Node replica = cluster.addReplica();
				lag = StreamingLag.run(cluster, replica, options.latencyRunTime(),
						Duration.ofMillis(StreamingLag.COMMIT_EVERY_MILLIS));
				writes = ForwardedWrites.run(cluster, replica, options.smoke() ? 50 : FORWARDED_WRITES);
			}
			progress.println("cluster: primary throughput, no replica / two streaming / none, "
					+ ReportOptions.format(options.heavyLoadRunTime()) + " each ...");
			progress.flush();
			throughput = StreamingThroughput.run(options.heavyLoadRunTime());
		}
		progress.println("cluster: primary throughput with one streaming replica, commit-ack local / replica / local, "
				+ ReportOptions.format(options.heavyLoadRunTime()) + " each ...");
		progress.flush();
		CommitAckThroughput.Result commitAck = CommitAckThroughput.run(options.heavyLoadRunTime());
		return new Result(lag, writes, throughput, commitAck);
	}

	/** The targets' labels, in the order printed. */
	static List<String> targetLabels() {
		return List.of("streaming lag p50 <= " + StreamingLag.P50_LIMIT.toMillis() + " ms",
				"streaming lag p99 <= " + StreamingLag.P99_LIMIT.toMillis() + " ms",
				"forwarded write p99 / direct write p99",
				"primary throughput, " + StreamingThroughput.REPLICAS + " streaming replicas / none",
				"write throughput commit-ack replica / local, 1 streaming replica, " + CommitAckThroughput.THREADS
						+ " threads");
	}

	/** Everything the cluster runs measured; all but {@code commitAck} are {@code null} in a run of that alone. */
	record Result(StreamingLag.Result lag, ForwardedWrites.Result writes, StreamingThroughput.Result throughput,
			CommitAckThroughput.Result commitAck) {

		String value(String key) {
			StreamingLag.Result l = this.lag;
			ForwardedWrites.Result w = this.writes;
			StreamingThroughput.Result t = this.throughput;
			CommitAckThroughput.Result a = this.commitAck;
			boolean measured = switch (key.substring(0, key.indexOf('.'))) {
				case "stream" -> l != null;
				case "write" -> w != null;
				case "tput" -> t != null;
				default -> true;
			};
			if (!measured) {
				return "MISSING (skipped)";
			}
			return switch (key) {
				case "stream.p50" -> ms(l.p50());
				case "stream.p99" -> ms(l.p99());
				case "stream.max" -> ms(l.max());
				case "stream.run" -> String.format(Locale.ROOT,
						"%d / %d, %.1f commits/s (one per %d ms for %s after %s); %d replica reads, longest %s, %d failed%s; "
								+ "not streaming at %d reads, streaming at the end: %s; the reader's 1 ms parks woke "
								+ "%s / %s / %s late (p50 / p99 / max); lag over 100 ms: %d commits in %d stalls",
						l.commits(), l.seen(), l.commitsPerSecond(), l.commitEvery().toMillis(),
						ReportOptions.format(l.duration()), ReportOptions.format(StreamingLag.WARMUP), l.reads(), ms(l.longestReadMillis()), l.readErrors(),
						(l.firstReadError() != null) ? " (first: " + l.firstReadError() + ")!" : "", l.notStreaming(),
						l.streamingAtEnd() ? "yes" : "no!", ms(l.lateWakeP50()), ms(l.lateWakeP99()), ms(l.lateWakeMax()),
						l.slowCommits(), l.stalls());
				case "write.primary" -> times(w.direct());
				case "write.replica" -> times(w.forwarded());
				case "write.run" -> String.format(Locale.ROOT,
						"%d each after %d each of warmup, alternating; failed: %d direct, %d forwarded (%d not on the "
								+ "replica when it answered), %d in warmup; %d of %d rows on the primary",
						w.count(), ForwardedWrites.WARMUP, w.direct().failures(), w.forwarded().failures(),
						w.forwarded().notReadBack(), w.warmupFailures(), w.rowsOnPrimary(), 2L * w.count());
				case "tput.none" -> String.format(Locale.ROOT, "%.0f / %.0f commits/s (%d threads, single-row inserts)",
						t.before().commitsPerSecond(), t.after().commitsPerSecond(), StreamingThroughput.THREADS);
				case "tput.two" -> String.format(Locale.ROOT, "%.0f commits/s (%.2fx the mean of before and after)",
						t.streamed().commitsPerSecond(), t.ratio());
				case "tput.cpu.before" -> t.before().cpu().describe();
				case "tput.cpu.two" -> t.streamed().cpu().describe();
				case "tput.cpu.after" -> t.after().cpu().describe();
				case "tput.per.cpu" -> String.format(Locale.ROOT, "%.0f / %.0f / %.0f (two / none: %.2fx, not a target)",
						t.before().commitsPerPrimaryCpuSecond(), t.streamed().commitsPerPrimaryCpuSecond(),
						t.after().commitsPerPrimaryCpuSecond(), t.perPrimaryCpuRatio());
				case "tput.run" -> String.format(Locale.ROOT,
						"3 x %s after a warmup of twice that; both replicas caught up %s (%.0f ms after the writers "
								+ "stopped), streaming at the end: %s%s",
						ReportOptions.format(t.phase()), t.caughtUp() ? "yes" : "NO", t.caughtUpMillis(),
						t.streaming() ? "yes" : "no!", t.met() ? "" : "; replicas: " + t.followers());
				case "ack.local" -> String.format(Locale.ROOT,
						"%.0f / %.0f commits/s (%d threads, single-row transactions); a commit returned in %s / %s "
								+ "(p50 / p99, before)",
						a.before().commitsPerSecond(), a.after().commitsPerSecond(), CommitAckThroughput.THREADS,
						ms(a.before().p50Millis()), ms(a.before().p99Millis()));
				case "ack.replica" -> String.format(Locale.ROOT,
						"%.0f commits/s (%.2fx the mean of before and after); a commit returned in %s / %s (p50 / p99)",
						a.acknowledged().phase().commitsPerSecond(), a.ratio(), ms(a.acknowledged().phase().p50Millis()),
						ms(a.acknowledged().phase().p99Millis()));
				case "ack.run" -> String.format(Locale.ROOT,
						"3 x %s, local after a warmup of twice that, replica after one; commits not acknowledged "
								+ "within the 1 s timeout: %d%s; the replica held the last commit when the writers "
								+ "stopped: %s, streaming: %s; primary's health %s",
						ReportOptions.format(a.phaseLength()), a.acknowledged().timeouts(),
						(a.acknowledged().timeouts() == 0) ? "" : "!", a.acknowledged().heldAtOnce() ? "yes" : "NO",
						a.acknowledged().streaming() ? "yes" : "no!", a.acknowledged().health());
				case "ack.handoff" -> String.format(Locale.ROOT,
						"%.0f / %.0f µs (p50 / p99 of %d, the machine idle): an acknowledged commit waits for "
								+ "at least four in a row that a local one does not",
						a.handoff().p50Micros(), a.handoff().p99Micros(), a.handoff().handoffs());
				case "ack.cpu.local" -> a.before().cpu().describe();
				case "ack.cpu.replica" -> a.acknowledged().phase().cpu().describe();
				case "ack.cpu.bound" -> {
					int cores = Runtime.getRuntime().availableProcessors();
					yield String.format(Locale.ROOT,
							"%.0f µs local, %.0f µs replica (the whole process: primary, replica, both Tomcats, the "
									+ "JVM's own; the primary's threads alone %.0f / %.0f µs); at the replica phase's "
									+ "cost this machine's %d cores run at most %.2fx the local rate even if no round "
									+ "waited, and %.2fx would take %.2f cores",
							a.before().processMicrosPerCommit(), a.acknowledged().phase().processMicrosPerCommit(),
							a.before().primaryMicrosPerCommit(), a.acknowledged().phase().primaryMicrosPerCommit(), cores,
							a.cpuBoundRatio(cores), CommitAckThroughput.RATIO_LIMIT, a.coresAtTarget());
				}
				default -> throw new IllegalArgumentException("No cluster line " + key);
			};
		}

		/** The targets, in the order of {@link ClusterRuns#targetLabels()}. */
		List<TimedTarget> checks() {
			List<String> labels = targetLabels();
			List<TimedTarget> checks = new java.util.ArrayList<>();
			checks.add((this.lag != null)
					? new TimedTarget(labels.get(0), ms(this.lag.p50()), "<= " + ms(StreamingLag.P50_LIMIT.toMillis()),
							this.lag.p50Met())
					: missing(labels.get(0)));
			checks.add((this.lag != null)
					? new TimedTarget(labels.get(1), ms(this.lag.p99()), "<= " + ms(StreamingLag.P99_LIMIT.toMillis()),
							this.lag.p99Met())
					: missing(labels.get(1)));
			checks.add((this.writes != null) ? new TimedTarget(labels.get(2), x(this.writes.p99Ratio()),
					"<= " + x(ForwardedWrites.P99_RATIO_LIMIT), this.writes.met()) : missing(labels.get(2)));
			checks.add((this.throughput != null) ? new TimedTarget(labels.get(3), x(this.throughput.ratio()),
					">= " + x(StreamingThroughput.RATIO_LIMIT), this.throughput.met()) : missing(labels.get(3)));
			checks.add(new TimedTarget(labels.get(4), x(this.commitAck.ratio()), ">= " + x(CommitAckThroughput.RATIO_LIMIT),
					this.commitAck.met()));
			return checks;
		}

		private static TimedTarget missing(String label) {
			return new TimedTarget(label, "n/a", "", false);
		}

		private static String times(ForwardedWrites.Summary summary) {
			return ms(summary.p50()) + " / " + ms(summary.p99()) + " / " + ms(summary.max());
		}

		private static String ms(double millis) {
			return ReplicationRuns.Result.ms(millis);
		}

		private static String x(double ratio) {
			return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
		}

	}

}
