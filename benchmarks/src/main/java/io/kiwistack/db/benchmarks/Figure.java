package io.kiwistack.db.benchmarks;

import java.util.List;

/**
 * One measured figure: a JMH benchmark method, or one workload of a benchmark whose workloads
 * {@link TakingTurns take turns}, and what it measures.
 * @param key short stable name, printed first on its line
 * @param benchmark the JMH benchmark, {@code Class.method}
 * @param counter the {@code @AuxCounters} field that counts this figure's workload in a benchmark
 * of workloads taking turns; {@code null} for a benchmark's own result
 * @param workloads how many workloads took turns in the benchmark, 1 for a benchmark's own result
 * @param label what it measures, for people
 */
record Figure(String key, String benchmark, String counter, int workloads, String label) {

	Figure(String key, String benchmark, String label) {
		this(key, benchmark, null, 1, label);
	}

	static final List<Figure> ALL = List.of(
			new Figure("writes.kiwi", "WriteBenchmarks.kiwiDb",
					"single-row write tx, JdbcClient + @Transactional: kiwi-db"),
			new Figure("writes.repl", "WriteBenchmarks.kiwiDbReplicated",
					"single-row write tx, same code: kiwi-db, replication on (dir, 1 s)"),
			new Figure("writes.hikari", "WriteBenchmarks.hikariSqlite",
					"single-row write tx, same code: HikariCP(max 1) over sqlite-jdbc"),
			new Figure("writes.hikari.excl", "WriteBenchmarks.hikariSqliteProcessExclusive",
					"single-row write tx, same code: HikariCP(max 1), unix-excl locking in the URL"),
			new Figure("writes.h2", "WriteBenchmarks.h2WriteDelay0",
					"single-row write tx, same code: H2 file, WRITE_DELAY=0"),
			new Figure("select.kiwi", "PointSelectBenchmarks.takingTurns", "kiwiJdbcClient", PointSelectBenchmarks.WORKLOADS,
					"point select by id: kiwi-db JdbcClient (prepare per query)"),
			new Figure("select.raw", "PointSelectBenchmarks.takingTurns", "rawReusedStatement", PointSelectBenchmarks.WORKLOADS,
					"point select by id: raw sqlite-jdbc, one reused PreparedStatement"),
			new Figure("select.raw.excl", "PointSelectBenchmarks.takingTurns", "rawReusedStatementProcessExclusive",
					PointSelectBenchmarks.WORKLOADS,
					"point select by id: the same, unix-excl locking in the URL"),
			new Figure("select.hikari.excl", "PointSelectBenchmarks.takingTurns", "hikariJdbcClientProcessExclusive",
					PointSelectBenchmarks.WORKLOADS,
					"point select by id: same JdbcClient code, HikariCP(max 1), unix-excl"),
			new Figure("readonly.1", "ReadOnlyTxBenchmarks.threads1", "kiwi", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): kiwi-db, 1 thread"),
			new Figure("readonly.2", "ReadOnlyTxBenchmarks.threads2", "kiwi", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): kiwi-db, 2 threads"),
			new Figure("readonly.4", "ReadOnlyTxBenchmarks.threads4", "kiwi", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): kiwi-db, 4 threads"),
			new Figure("readonly.8", "ReadOnlyTxBenchmarks.threads8", "kiwi", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): kiwi-db, 8 threads"),
			new Figure("readonly.jdbc.1", "ReadOnlyTxBenchmarks.threads1", "kiwiJdbc", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): plain JDBC on kiwi-db's readers, 1 thread"),
			new Figure("readonly.jdbc.2", "ReadOnlyTxBenchmarks.threads2", "kiwiJdbc", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): plain JDBC on kiwi-db's readers, 2 threads"),
			new Figure("readonly.jdbc.4", "ReadOnlyTxBenchmarks.threads4", "kiwiJdbc", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): plain JDBC on kiwi-db's readers, 4 threads"),
			new Figure("readonly.jdbc.8", "ReadOnlyTxBenchmarks.threads8", "kiwiJdbc", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): plain JDBC on kiwi-db's readers, 8 threads"),
			new Figure("readonly.raw.1", "ReadOnlyTxBenchmarks.threads1", "raw", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): raw, a connection per thread, 1 thread"),
			new Figure("readonly.raw.2", "ReadOnlyTxBenchmarks.threads2", "raw", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): raw, a connection per thread, 2 threads"),
			new Figure("readonly.raw.4", "ReadOnlyTxBenchmarks.threads4", "raw", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): raw, a connection per thread, 4 threads"),
			new Figure("readonly.raw.8", "ReadOnlyTxBenchmarks.threads8", "raw", ReadOnlyTxBenchmarks.WORKLOADS,
					"read-only tx (4 point selects): raw, a connection per thread, 8 threads"),
			new Figure("batch.kiwi", "BatchInsertBenchmarks.takingTurns", "kiwiBatchUpdate", BatchInsertBenchmarks.WORKLOADS,
					"1000-row batch insert in one tx: kiwi-db JdbcTemplate.batchUpdate"),
			new Figure("batch.raw", "BatchInsertBenchmarks.takingTurns", "rawExecuteBatch", BatchInsertBenchmarks.WORKLOADS,
					"1000-row batch insert in one tx: raw sqlite-jdbc executeBatch"),
			new Figure("jpa.kiwi", "JpaReadOnlyTxBenchmarks.takingTurns", "kiwiHandling", JpaReadOnlyTxBenchmarks.WORKLOADS,
					"JPA read-only tx (4 finds): kiwi-db, a connection per transaction"),
			new Figure("jpa.held", "JpaReadOnlyTxBenchmarks.takingTurns", "springHandling", JpaReadOnlyTxBenchmarks.WORKLOADS,
					"JPA read-only tx (4 finds): kiwi-db, Spring's held connection"));

	/** The benchmark, and the counter where the figure is one of its workloads. */
	String source() {
		return (this.counter != null) ? this.benchmark + ":" + this.counter : this.benchmark;
	}

	String qualifiedBenchmark() {
		return Figure.class.getPackageName() + "." + this.benchmark;
	}

	static Figure byKey(String key) {
		return ALL.stream()
			.filter((figure) -> figure.key.equals(key))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No figure " + key));
	}

}
