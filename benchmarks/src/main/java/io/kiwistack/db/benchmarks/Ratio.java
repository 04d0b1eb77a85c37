package io.kiwistack.db.benchmarks;

import java.util.List;

/**
 * One target (issues 3 and 5): a ratio of two figures from the same run, and the least it should be.
 * @param label what is compared, for people
 * @param shortLabel the chart's category name
 * @param numerator key of the figure on top
 * @param denominator key of the baseline figure
 * @param target the ratio to reach
 */
record Ratio(String label, String shortLabel, String numerator, String denominator, double target) {

	static final List<Ratio> ALL = List.of(
			new Ratio("writes: kiwi-db / HikariCP(max 1)", "writes vs Hikari", "writes.kiwi", "writes.hikari", 1.0),
			new Ratio("point select: kiwi-db JdbcClient / raw reused statement", "select vs raw", "select.kiwi",
					"select.raw", 0.9),
			new Ratio("read-only tx: 2 threads / 1 thread", "read-only 2t/1t", "readonly.2", "readonly.1", 2.0),
			new Ratio("read-only tx: 4 threads / 1 thread", "read-only 4t/1t", "readonly.4", "readonly.1", 2.7),
			new Ratio("read-only tx: 8 threads / 4 threads", "read-only 8t/4t", "readonly.8", "readonly.4", 0.95),
			new Ratio("1000-row batch: kiwi-db / raw executeBatch", "batch vs raw", "batch.kiwi", "batch.raw", 0.95),
			new Ratio("durable writes: kiwi-db / H2 WRITE_DELAY=0", "writes vs H2", "writes.kiwi", "writes.h2", 3.0),
			new Ratio("writes: kiwi-db replication on / off", "writes repl on/off", "writes.repl", "writes.kiwi",
					0.95),
			new Ratio("JPA read-only tx: a connection per transaction / Spring's held connection", "JPA reads vs held",
					"jpa.kiwi", "jpa.held", 0.95));

	/**
	 * Not targets: kiwi-db against baselines given its file locking ({@code unix-excl}), which shows
	 * what kiwi-db's own layer costs apart from what that locking saves. The target field is unused.
	 */
	static final List<Ratio> INFO = List.of(
			new Ratio("writes: kiwi-db / HikariCP(max 1) with unix-excl locking", "", "writes.kiwi",
					"writes.hikari.excl", Double.NaN),
			new Ratio("point select: kiwi-db JdbcClient / raw reused statement with unix-excl locking", "",
					"select.kiwi", "select.raw.excl", Double.NaN),
			new Ratio("unix-excl locking alone: raw reused statement with / without", "", "select.raw.excl",
					"select.raw", Double.NaN));

}
