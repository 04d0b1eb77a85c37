package io.kiwistack.db.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.kiwistack.db.replication.Position;
import io.kiwistack.db.replication.PrimaryReplication;
import io.kiwistack.db.replication.ReadReplication;

/**
 * The primary's write throughput when each commit returns only once a read replica holds it
 * ({@code kiwi.db.replication.commit-ack=replica}) against when it returns once it is in the local
 * file ({@code local}), a timed run in the report's JVM over two {@link WebCluster}s, each a
 * primary and one read replica streaming from it: {@value #THREADS} threads insert single rows
 * through the primary's {@link ItemStore} as fast as they return. The two clusters run one after
 * the other, the local one before and after the acknowledged one (it waits idle meanwhile), so
 * that a drift of the machine shows as a difference between the first and the last; the ratio is
 * the acknowledged phase over the mean of the two local ones. The replicas share this machine's
 * cores, and every acknowledged commit crosses loopback HTTP twice: to the follower in a part of
 * its stream, and back in a line of its acknowledgement channel.
 */
final class CommitAckThroughput {

	static final int THREADS = 8;

	/** The target: acknowledged commits at half the rate of local ones or better. */
	static final double RATIO_LIMIT = 0.5;

	private static final String TIMEOUTS = "kiwi.db.replication.commit.ack.timeouts";

	private CommitAckThroughput() {
	}

	/** Hand-offs the probe of the machine times before the clusters start. */
	static final int HANDOFFS = 20_000;

	static Result run(Duration phase) throws InterruptedException {
		// While nothing else runs: what one thread waking another costs here, at the least.
		ThreadHandoff.Result handoff = ThreadHandoff.measure(HANDOFFS);
		try (WebCluster local = WebCluster.start("commit-ack-local", 500)) {
			local.addReplica();
			Function<String, String> localGroups = groups(local);
			// A warmup of two phases, as the streaming throughput run found it needs.
			load(local.primary().store(), phase.multipliedBy(2), localGroups);
			Phase before = load(local.primary().store(), phase, localGroups);
			Acknowledged acknowledged;
			// No warmup rows before its replica streams: each would wait out the timeout, with nobody to acknowledge it.
			try (WebCluster replica = WebCluster.start("commit-ack-replica", 0,
					Map.of("kiwi.db.replication.commit-ack", "replica"))) {
				ReadReplication follower = replica.addReplica().readReplication();
				PrimaryReplication primary = replica.primaryReplication();
				Function<String, String> replicaGroups = groups(replica);
				load(replica.primary().store(), phase, replicaGroups);
				long timeoutsBefore = timeouts(primary);
				Phase measured = load(replica.primary().store(), phase, replicaGroups);
				// Every commit returned acknowledged, or timed out: without timeouts the replica holds them all.
				Position end = primary.position().orElseThrow();
				boolean heldAtOnce = follower.awaitPosition(end, Duration.ZERO);
				acknowledged = new Acknowledged(measured, timeouts(primary) - timeoutsBefore, heldAtOnce,
						primary.health().state().name(), follower.streaming());
			}
			Phase after = load(local.primary().store(), phase, localGroups);
			return new Result(phase, before, acknowledged, after, handoff);
		}
	}

	/** Where a phase's CPU went, the cluster's primary told apart from everything else by its port. */
	private static Function<String, String> groups(WebCluster cluster) {
		int primaryPort = cluster.primary().port();
		return (thread) -> StreamingThroughput.group(thread, primaryPort);
	}

	private static long timeouts(PrimaryReplication primary) {
		return primary.meters()
			.stream()
			.filter((meter) -> meter.name().equals(TIMEOUTS))
			.mapToLong((meter) -> (long) meter.value().getAsDouble())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The primary has no meter " + TIMEOUTS));
	}

	/** {@value #THREADS} threads inserting single rows for {@code duration}, each commit timed. */
	private static Phase load(ItemStore store, Duration duration, Function<String, String> groups)
			throws InterruptedException {
		ThreadCpu cpu = ThreadCpu.start(groups);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long deadline = System.nanoTime() + duration.toNanos();
		List<Thread> writers = new ArrayList<>();
		List<long[]> latencies = new ArrayList<>();
		int[] counts = new int[THREADS];
		for (int t = 0; t < THREADS; t++) {
			int writer = t;
			long[][] own = { new long[1 << 16] };
			writers.add(new Thread(() -> {
				try {
					int n = 0;
					for (long now = System.nanoTime(); now - deadline < 0; n++) {
						store.insert("load", n);
						long done = System.nanoTime();
						if (n == own[0].length) {
							own[0] = Arrays.copyOf(own[0], n * 2);
						}
						own[0][n] = done - now;
						now = done;
					}
					counts[writer] = n;
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				synchronized (latencies) {
					latencies.add(Arrays.copyOf(own[0], counts[writer]));
				}
				cpu.ending();
			}, StreamingThroughput.WRITER_PREFIX + "ack-" + t));
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
			throw new IllegalStateException("A writer failed in the commit-ack run", failure.get());
		}
		long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		return new Phase(all.length / (nanos / 1e9), percentileMillis(all, 0.50), percentileMillis(all, 0.99), usage);
	}

	private static double percentileMillis(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] / 1e6;
	}

	/** One phase: commits a second over all writers, how long one took to return, and where the CPU went. */
	record Phase(double commitsPerSecond, double p50Millis, double p99Millis, ThreadCpu.Usage cpu) {

		/** CPU time per commit of the whole process: both nodes, their Tomcats and the JVM's own threads. */
		double processMicrosPerCommit() {
			return this.cpu.processCores() / this.commitsPerSecond * 1e6;
		}

		/** CPU time per commit of the primary's own threads: its writers, its shipping, its Tomcat. */
		double primaryMicrosPerCommit() {
			return this.cpu.of(StreamingThroughput.PRIMARY_SIDE) / this.commitsPerSecond * 1e6;
		}

	}

	/**
	 * The acknowledged phase and what the primary said after it.
	 * @param timeouts commits in the phase that returned without an acknowledgement
	 * @param heldAtOnce whether the replica held the primary's last commit the moment the writers stopped
	 * @param health the primary's replication health then
	 * @param streaming whether the replica still streamed then
	 */
	record Acknowledged(Phase phase, long timeouts, boolean heldAtOnce, String health, boolean streaming) {
	}

	/**
	 * @param handoff what one thread waking another took on the idle machine, before the clusters
	 */
	record Result(Duration phaseLength, Phase before, Acknowledged acknowledged, Phase after, ThreadHandoff.Result handoff) {

		/** Acknowledged over local: the middle phase over the mean of the first and last. */
		double ratio() {
			return this.acknowledged.phase().commitsPerSecond()
					/ ((this.before.commitsPerSecond() + this.after.commitsPerSecond()) / 2);
		}

		/**
		 * The most acknowledged commits a second this machine's {@code cores} could run at the
		 * acknowledged phase's CPU cost per commit, were nothing ever waited for, over the local rate:
		 * the ratio the machine bounds, whatever the latency of a round.
		 */
		double cpuBoundRatio(int cores) {
			double most = cores * 1e6 / this.acknowledged.phase().processMicrosPerCommit();
			return most / ((this.before.commitsPerSecond() + this.after.commitsPerSecond()) / 2);
		}

		/** The cores the acknowledged phase's cost per commit needs at the target's rate. */
		double coresAtTarget() {
			return RATIO_LIMIT * ((this.before.commitsPerSecond() + this.after.commitsPerSecond()) / 2)
					* this.acknowledged.phase().processMicrosPerCommit() / 1e6;
		}

		/** Met when fast enough, and every commit was acknowledged for real. */
		boolean met() {
			return ratio() >= RATIO_LIMIT && this.acknowledged.timeouts() == 0 && this.acknowledged.heldAtOnce();
		}

	}

}
