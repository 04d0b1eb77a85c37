package io.kiwistack.db.benchmarks;

import java.util.List;

/**
 * One target: a ratio of two figures from the same run, and the least it should be. A relative
 * target divides that ratio by the same ratio of a baseline measured in the same run, so that what
 * the machine allows (its cores, its disk) cancels out: kiwi-db's scaling from 1 to 4 threads over
 * raw sqlite-jdbc's own scaling on the same machine means the same on 2 cores as on 16.
 * @param label what is compared, for people
 * @param shortLabel the chart's category name
 * @param numerator key of the figure on top
 * @param denominator key of the figure it is divided by
 * @param baselineNumerator for a relative target, key of the baseline's figure on top; otherwise null
 * @param baselineDenominator for a relative target, key of the figure the baseline's is divided by
 * @param target the ratio to reach
 */
record Ratio(String label, String shortLabel, String numerator, String denominator, String baselineNumerator,
		String baselineDenominator, double target) {

	Ratio(String label, String shortLabel, String numerator, String denominator, double target) {
		this(label, shortLabel, numerator, denominator, null, null, target);
	}

	static final List<Ratio> ALL = List.of(
			new Ratio("writes: kiwi-db / HikariCP(max 1)", "writes vs Hikari", "writes.kiwi", "writes.hikari", 1.0),
			new Ratio("point select: kiwi-db / same JdbcClient on HikariCP(max 1), unix-excl",
					"select vs Hikari", "select.kiwi", "select.hikari.excl", 1.0),
			new Ratio("point select: kiwi-db JdbcClient / raw reused stmt, unix-excl", "select vs raw",
					"select.kiwi", "select.raw.excl", 0.9),
			scaling(2), scaling(4), scaling(8),
			new Ratio("1000-row batch: kiwi-db / raw executeBatch", "batch vs raw", "batch.kiwi", "batch.raw", 0.95),
			new Ratio("durable writes: kiwi-db / H2 WRITE_DELAY=0", "writes vs H2", "writes.kiwi", "writes.h2", 3.0),
			new Ratio("writes: kiwi-db replication on / off", "writes repl on/off", "writes.repl", "writes.kiwi",
					0.95),
			new Ratio("JPA read-only tx: a connection per transaction / Spring's held connection", "JPA reads vs held",
					"jpa.kiwi", "jpa.held", 0.95));

	/**
	 * Not targets: what the relative targets are made of, and kiwi-db against baselines with other
	 * file locking. The target field is unused.
	 */
	static final List<Ratio> INFO = List.of(
			new Ratio("read-only tx: kiwi-db 2 threads / 1 thread", "", "readonly.2", "readonly.1", Double.NaN),
			new Ratio("read-only tx: raw own connections 2 threads / 1 thread", "", "readonly.raw.2", "readonly.raw.1",
					Double.NaN),
			new Ratio("read-only tx: kiwi-db 4 threads / 1 thread", "", "readonly.4", "readonly.1", Double.NaN),
			new Ratio("read-only tx: raw own connections 4 threads / 1 thread", "", "readonly.raw.4", "readonly.raw.1",
					Double.NaN),
			new Ratio("read-only tx: kiwi-db 8 threads / 1 thread", "", "readonly.8", "readonly.1", Double.NaN),
			new Ratio("read-only tx: raw own connections 8 threads / 1 thread", "", "readonly.raw.8", "readonly.raw.1",
					Double.NaN),
			jdbcScaling(2), jdbcScaling(4), jdbcScaling(8),
			new Ratio("writes: kiwi-db / HikariCP(max 1) with unix-excl locking", "", "writes.kiwi",
					"writes.hikari.excl", Double.NaN),
			new Ratio("point select: kiwi-db JdbcClient / raw reused statement, default locking", "", "select.kiwi",
					"select.raw", Double.NaN),
			new Ratio("unix-excl locking alone: raw reused statement with / without", "", "select.raw.excl",
					"select.raw", Double.NaN));

	/**
	 * kiwi-db's read-only scaling from 1 to {@code threads} threads against raw sqlite-jdbc's, each
	 * raw thread on a connection of its own (the most the machine gives), in the same run.
	 */
	private static Ratio scaling(int threads) {
		return new Ratio(
				"read-only scaling " + threads + "t/1t: kiwi-db / raw own connections",
				"read-only " + threads + "t/1t vs raw", "readonly." + threads, "readonly.1",
				"readonly.raw." + threads, "readonly.raw.1", 0.9);
	}

	/**
	 * Not a target: the scaling of plain JDBC on kiwi-db's readers against raw sqlite-jdbc's, which
	 * shows what of the target's gap is kiwi-db's own and what is Spring's code around it.
	 */
	private static Ratio jdbcScaling(int threads) {
		return new Ratio("read-only scaling " + threads + "t/1t: plain JDBC on kiwi-db's readers / raw", "",
				"readonly.jdbc." + threads, "readonly.jdbc.1", "readonly.raw." + threads, "readonly.raw.1", Double.NaN);
	}

	boolean relative() {
		return this.baselineNumerator != null;
	}

}
