package io.kiwistack.db.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.kiwistack.db.replication.Position;
import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReadReplication;

/**
 * The primary's write throughput with two read replicas streaming from it against none (issue
 * 15), a timed run in the report's JVM over one {@link WebCluster}: {@value #THREADS} threads
 * insert single rows through the primary's {@link ItemStore} as fast as its one writer takes
 * them, replication to the directory on throughout. Three phases of equal length after a warmup
 * of two:
 * no replica, two replicas streaming, no replica again (the two stopped), so that a drift of the
 * machine over the run shows as a difference between the first and the last; the ratio is the
 * middle one over the mean of the other two. Each phase says where the CPU went, since the
 * replicas run in this JVM on the same cores, which on separate machines they would not.
 */
final class StreamingThroughput {

	static final int THREADS = 4;

	static final int REPLICAS = 2;

	/** The target of issue 15. */
	static final double RATIO_LIMIT = 0.9;

	private StreamingThroughput() {
	}

	static Result run(Duration phase) throws InterruptedException {
		try (WebCluster cluster = WebCluster.start("throughput", 500)) {
			PrimaryReplication primary = cluster.primaryReplication();
			int primaryPort = cluster.primary().port();
			Function<String, String> groups = (thread) -> group(thread, primaryPort);
			// A warmup of two phases: after one, the first phase still lost 0.3 cores to the JVM's compiler
			// and came out at half the last.
			load(cluster.primary().store(), phase.multipliedBy(2), groups);
			Phase before = load(cluster.primary().store(), phase, groups);
			primary.syncNow();
			List<ReadReplication> followers = new ArrayList<>();
			for (int i = 0; i < REPLICAS; i++) {
				followers.add(cluster.addReplica().readReplication());
			}
			Phase streamed = load(cluster.primary().store(), phase, groups);
			// Everything the writers committed reached both replicas, by the stream.
			Position end = primary.position().orElseThrow();
			long caughtUpStart = System.nanoTime();
			boolean caughtUp = true;
			boolean streaming = true;
			List<Object> health = new ArrayList<>();
			for (ReadReplication follower : followers) {
				caughtUp &= follower.awaitPosition(end, Duration.ofSeconds(30));
				streaming &= follower.streaming();
				health.add(follower.health().details());
			}
			double caughtUpMillis = (System.nanoTime() - caughtUpStart) / 1e6;
			cluster.closeReplicas();
			Phase after = load(cluster.primary().store(), phase, groups);
			if (primary.status().lastError() != null) {
				throw new IllegalStateException("Replication failed during the throughput run: " + primary.status());
			}
			return new Result(phase, before, streamed, after, caughtUp, streaming, caughtUpMillis,
					"primary at " + end + ", " + health);
		}
	}

	/** {@value #THREADS} threads inserting single rows for {@code duration}. */
	private static Phase load(ItemStore store, Duration duration, Function<String, String> groups)
			throws InterruptedException {
		ThreadCpu cpu = ThreadCpu.start(groups);
		LongAdder commits = new LongAdder();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long deadline = System.nanoTime() + duration.toNanos();
		List<Thread> writers = new ArrayList<>();
		for (int t = 0; t < THREADS; t++) {
			Thread writer = new Thread(() -> {
				try {
					for (int n = 0; System.nanoTime() - deadline < 0; n++) {
						store.insert("load", n);
						commits.increment();
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				cpu.ending();
			}, WRITER_PREFIX + t);
			writers.add(writer);
		}
		long start = System.nanoTime();
		for (Thread writer : writers) {
			writer.start();
		}
		for (Thread writer : writers) {
			writer.join();
		}
		long nanos = System.nanoTime() - start;
		ThreadCpu.Usage usage = cpu.stop();
		if (failure.get() != null) {
			throw new IllegalStateException("A writer failed in the throughput run", failure.get());
		}
		return new Phase(commits.sum() / (nanos / 1e9), usage);
	}

	/** How the writers of the cluster runs' phases name their threads. */
	static final String WRITER_PREFIX = "cluster-writer-";

	/** Threads told apart by what they do; Tomcat names its threads after the port. */
	static String group(String thread, int primaryPort) {
		if (thread.startsWith(WRITER_PREFIX)) {
			return "writers";
		}
		if (thread.startsWith("http-nio-")) {
			return thread.contains("-" + primaryPort + "-") ? "primary's Tomcat" : "replicas' Tomcat";
		}
		if (thread.startsWith("kiwi-db-follower")) {
			return "followers";
		}
		if (thread.startsWith("kiwi-db-replicator")) {
			return "shipping";
		}
		if (thread.startsWith("HttpClient-")) {
			return "followers' HttpClient";
		}
		return "other";
	}

	/** The primary's own threads: its writers, its shipping, and its Tomcat serving the streams. */
	static final String[] PRIMARY_SIDE = { "writers", "shipping", "primary's Tomcat" };

	/** One phase: the primary's commits a second, and where the CPU went. */
	record Phase(double commitsPerSecond, ThreadCpu.Usage cpu) {

		/** Commits per second of CPU on the primary's own threads: what it costs the primary, whatever else runs here. */
		double commitsPerPrimaryCpuSecond() {
			return this.commitsPerSecond / this.cpu.of(PRIMARY_SIDE);
		}

	}

	/**
	 * @param caughtUp whether both replicas held the primary's last commit within 30 s of the writers stopping
	 * @param streaming whether both still streamed then
	 * @param followers the primary's position and the replicas' health then
	 */
	record Result(Duration phase, Phase before, Phase streamed, Phase after, boolean caughtUp, boolean streaming,
			double caughtUpMillis, String followers) {

		/** With replicas over without: the middle phase over the mean of the first and last. */
		double ratio() {
			return this.streamed.commitsPerSecond()
					/ ((this.before.commitsPerSecond() + this.after.commitsPerSecond()) / 2);
		}

		boolean met() {
			return this.caughtUp && this.streaming && ratio() >= RATIO_LIMIT;
		}

		/** Not a target: the same ratio per CPU second of the primary's own threads, the replicas' share of the cores left out. */
		double perPrimaryCpuRatio() {
			return this.streamed.commitsPerPrimaryCpuSecond() / ((this.before.commitsPerPrimaryCpuSecond()
					+ this.after.commitsPerPrimaryCpuSecond()) / 2);
		}

	}

}
