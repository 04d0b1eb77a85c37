package io.kiwistack.db.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where a run's CPU went, by group of threads named alike: the CPU time of each live thread at
 * the start and at the end, told apart by id. A thread that ends within the run counts only if it
 * says so as it ends ({@link #ending()}; its whole group is then counted that way), and the JVM's
 * own threads (GC, JIT) not at all: the process's total says how much that left out.
 */
final class ThreadCpu {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final Function<String, String> group;

	private final Map<Long, Long> startNanos;

	private final long processStartNanos;

	private final long wallStartNanos;

	private final Map<String, Long> ended = new ConcurrentHashMap<>();

	private ThreadCpu(Function<String, String> group) {
		this.group = group;
		this.startNanos = cpuByThread();
		this.processStartNanos = processCpuNanos();
		this.wallStartNanos = System.nanoTime();
	}

	/** Start counting; {@code group} names a thread's group from its name. */
	static ThreadCpu start(Function<String, String> group) {
		return new ThreadCpu(group);
	}

	/**
	 * Count a thread that ends before {@link #stop()}, as it ends: on that thread, after its work.
	 */
	void ending() {
		this.ended.merge(this.group.apply(Thread.currentThread().getName()),
				THREADS.getCurrentThreadCpuTime() - this.startNanos.getOrDefault(Thread.currentThread().getId(), 0L),
				Long::sum);
	}

	/** The cores each group kept busy on average since the start, and the whole process's. */
	Usage stop() {
		long wall = System.nanoTime() - this.wallStartNanos;
		long process = processCpuNanos() - this.processStartNanos;
		Map<String, Long> byGroup = new LinkedHashMap<>(this.ended);
		long[] ids = THREADS.getAllThreadIds();
		ThreadInfo[] infos = THREADS.getThreadInfo(ids);
		for (int i = 0; i < ids.length; i++) {
			long now = THREADS.getThreadCpuTime(ids[i]);
			if (infos[i] == null || now < 0 || this.ended.containsKey(this.group.apply(infos[i].getThreadName()))) {
				continue;
			}
			long before = this.startNanos.getOrDefault(ids[i], 0L);
			byGroup.merge(this.group.apply(infos[i].getThreadName()), now - before, Long::sum);
		}
		Map<String, Double> cores = new LinkedHashMap<>();
		byGroup.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.forEach((entry) -> cores.put(entry.getKey(), (double) entry.getValue() / wall));
		return new Usage(cores, (process >= 0) ? (double) process / wall : Double.NaN);
	}

	private static Map<Long, Long> cpuByThread() {
		Map<Long, Long> cpu = new HashMap<>();
		for (long id : THREADS.getAllThreadIds()) {
			long nanos = THREADS.getThreadCpuTime(id);
			if (nanos >= 0) {
				cpu.put(id, nanos);
			}
		}
		return cpu;
	}

	private static long processCpuNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	/**
	 * @param cores each group's average busy cores, busiest first
	 * @param processCores the process's, JVM threads included
	 */
	record Usage(Map<String, Double> cores, double processCores) {

		/** The cores {@code groups} kept busy together. */
		double of(String... groups) {
			double sum = 0;
			for (String group : groups) {
				sum += this.cores.getOrDefault(group, 0.0);
			}
			return sum;
		}

		/** "process 1.62 cores: writers 0.91, ..." with groups under 0.01 cores left out. */
		String describe() {
			StringJoiner groups = new StringJoiner(", ");
			this.cores.forEach((name, busy) -> {
				if (busy >= 0.01) {
					groups.add(String.format(Locale.ROOT, "%s %.2f", name, busy));
				}
			});
			double attributed = this.cores.values().stream().mapToDouble(Double::doubleValue).sum();
			// What no thread of ours used: the JVM's own, compiling and collecting.
			return String.format(Locale.ROOT, "CPU %.2f cores (%s; JVM's own threads %.2f)", this.processCores, groups,
					Math.max(0, this.processCores - attributed));
		}

	}

}
