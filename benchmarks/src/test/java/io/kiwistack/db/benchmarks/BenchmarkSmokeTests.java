package io.kiwistack.db.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole benchmark report in smoke mode: every benchmark and baseline starts, runs and
 * stops, the timed replication runs run, every figure, ratio and replication line is printed, and
 * the Markdown and both PNGs are written. Timings are never
 * asserted: a smoke run measures nothing.
 */
class BenchmarkSmokeTests {

	@Test
	// The failover run's round forks three JVMs and waits out a lease timeout: about a minute more.
	@Timeout(value = 7, unit = TimeUnit.MINUTES)
	void smokeRunPrintsEveryFigureAndRatioAndWritesTheReport(@TempDir Path out) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (PrintStream tee = new PrintStream(new TeeOutputStream(bytes, System.out), true, StandardCharsets.UTF_8)) {
			BenchmarkReport.run(ReportOptions.parse("--smoke", "--out", out.toString()), tee);
		}
		List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

		for (Figure figure : Figure.ALL) {
			assertThat(lines).as("figure " + figure.key())
				.anySatisfy((line) -> assertThat(line).startsWith("figure  " + figure.key() + " ")
					.contains(figure.label())
					.containsPattern("\\d+\\.\\d ± (\\d+\\.\\d|n/a) ops/s$"));
		}
		for (Ratio ratio : Ratio.ALL) {
			assertThat(lines).as("ratio " + ratio.label())
				.anySatisfy((line) -> assertThat(line).startsWith("ratio   " + ratio.label() + " ")
					.containsPattern("\\d+\\.\\d\\dx  target >= \\d+\\.\\d\\dx  (MET|NOT MET)$"));
		}
		for (ReplicationRuns.Line line : ReplicationRuns.LINES) {
			assertThat(lines).as("replication " + line.key())
				.anySatisfy((printed) -> assertThat(printed).startsWith("repl    " + line.key() + " ")
					.contains(line.label())
					.containsPattern("\\d+\\.\\d (ms|tx/s)")
					.doesNotContain("MISSING"));
		}
		assertThat(lines).as("replication latency limit")
			.anySatisfy((line) -> assertThat(line).startsWith("limit   commit-to-replicated p99 <= sync interval + 100 ms ")
				.containsPattern("\\d+\\.\\d ms  target <= \\d+\\.\\d ms  (MET|NOT MET)$"));
		assertThat(lines).as("read replica lag limit")
			.anySatisfy((line) -> assertThat(line).startsWith("limit   read replica lag p99 <= 2000 ms ")
				.containsPattern("\\d+\\.\\d ms  target <= \\d+\\.\\d ms  (MET|NOT MET)$"));
		for (LitestreamSideBySide.Shipper shipper : LitestreamSideBySide.Shipper.values()) {
			for (String pace : List.of("5,000 commits/s", "unthrottled")) {
				assertThat(lines).as("side by side: " + shipper.label + ", " + pace)
					.anySatisfy((line) -> assertThat(line).startsWith("side    " + shipper.label + ", " + pace + " ")
						.containsPattern("[\\d,]+ commits/s")
						.containsPattern("largest -wal \\d+\\.\\d MiB$"));
			}
		}
		assertThat(lines).as("litestream's runs measured latency and CPU")
			.anySatisfy((line) -> assertThat(line).startsWith("side    litestream")
				.containsPattern("replicated p50 / p99 \\d+\\.\\d ms / \\d+\\.\\d ms \\((\\d+) of \\1\\)")
				.containsPattern("shipping CPU \\d+\\.\\d\\d s"));
		for (String target : LitestreamSideBySide.targetLabels()) {
			assertThat(lines).as("side-by-side target " + target)
				.anySatisfy((line) -> assertThat(line).startsWith("target  " + target + " ")
					.containsPattern("\\d+\\.\\d+(x|\\sms)  target [<>]= \\d+\\.\\d+(x| ms)  (MET|NOT MET)$"));
		}
		ReportOptions smoke = ReportOptions.parse("--smoke");
		for (long size : SizeRuns.sizes(smoke)) {
			assertThat(lines).as("size " + size)
				.anySatisfy((line) -> assertThat(line).startsWith(String.format("size    %-8s ", SizeRuns.megabytes(size)))
					.containsPattern("startup \\d+ ms; full snapshot \\d+ ms; restore kiwi-db \\d+ ms \\(\\d+ MB/s\\), "
							+ "litestream \\d+ ms \\(\\d+ MB/s\\) \\(medians, alternating order: kiwi-db \\d+( / \\d+)* ms, "
							+ "litestream \\d+( / \\d+)* ms; untimed first runs \\d+ / \\d+ ms\\); read replica's first start \\d+ ms; "
							+ "clean restart writes [\\d,]+ bytes to the replica$"));
		}
		for (String target : SizeRuns.targetLabels(SizeRuns.sizes(smoke))) {
			assertThat(lines).as("size target " + target)
				.anySatisfy((line) -> assertThat(line).startsWith("target  " + target + " ")
					.containsPattern("[\\d.,]+(x| B)  target [<>]=? [\\d.,]+(x| B)  (MET|NOT MET)$"));
		}
		for (ReplicationRuns.Line line : ClusterRuns.LINES) {
			assertThat(lines).as("cluster " + line.key())
				.anySatisfy((printed) -> assertThat(printed).startsWith("cluster " + line.key() + " ")
					.doesNotContain("MISSING"));
		}
		for (String target : ClusterRuns.targetLabels()) {
			assertThat(lines).as("cluster target " + target)
				.anySatisfy((line) -> assertThat(line).startsWith("target  " + target + " ").doesNotContain("n/a"));
		}
		assertThat(lines).as("failover round 1")
			.anySatisfy((line) -> assertThat(line).startsWith("failover round 1 ")
				.containsPattern("node-\\d killed: \\d+\\.\\d ms; node-\\d took over"));
		for (String statistic : List.of("p50", "max")) {
			assertThat(lines).as("failover " + statistic)
				.anySatisfy((line) -> assertThat(line).startsWith("failover " + statistic + " ")
					.contains(Failover.LABEL + ", " + statistic)
					.containsPattern("\\d+\\.\\d ms$"));
		}
		for (String target : Failover.targetLabels()) {
			assertThat(lines).as("failover target " + target)
				.anySatisfy((line) -> assertThat(line).startsWith("target  " + target + " ")
					.containsPattern("\\d+\\.\\d ms  target <= \\d+\\.\\d ms  (MET|NOT MET)$"));
		}
		int targets = Ratio.ALL.size() + 2 + ClusterRuns.targetLabels().size() + Failover.targetLabels().size()
				+ LitestreamSideBySide.targetLabels().size() + SizeRuns.targetLabels(SizeRuns.sizes(smoke)).size();
		assertThat(lines).as("every target counted, with the core count")
			.anySatisfy((line) -> assertThat(line).matches("\\d+ of " + targets + " targets met, on \\d+ cores\\."));
		assertThat(lines).as("heavy load on / off")
			.anySatisfy((line) -> assertThat(line).startsWith("info    heavy load throughput, replication on / off: ")
				.containsPattern("\\d+\\.\\d\\dx"));
		Path markdown = out.resolve(BenchmarkReport.MARKDOWN_FILE);
		Path chart = out.resolve(BenchmarkReport.CHART_FILE);
		Path replicationChart = out.resolve(BenchmarkReport.REPLICATION_CHART_FILE);
		assertThat(markdown).isRegularFile();
		assertThat(Files.size(markdown)).isPositive();
		assertThat(Files.readString(markdown)).contains("## Replication", "commit-to-replicated p99",
				"read replica lag p99 ≤ 2000 ms", "read replica lag (commit to visible on the replica), p99",
				"writes: kiwi-db replication on / off", BenchmarkReport.REPLICATION_CHART_FILE,
				"## Litestream side by side", "litestream " + LitestreamBinary.VERSION + " beside kiwi-db, unthrottled");
		assertThat(chart).isRegularFile();
		assertThat(Files.size(chart)).isPositive();
		assertThat(out.resolve(BenchmarkReport.SIZE_CHART_FILE)).isRegularFile();
		assertThat(Files.readString(markdown)).contains("## Database sizes", BenchmarkReport.SIZE_CHART_FILE);
		assertThat(replicationChart).isRegularFile();
		assertThat(Files.size(replicationChart)).isPositive();
	}

	private static final class TeeOutputStream extends java.io.OutputStream {

		private final java.io.OutputStream first;

		private final java.io.OutputStream second;

		TeeOutputStream(java.io.OutputStream first, java.io.OutputStream second) {
			this.first = first;
			this.second = second;
		}

		@Override
		public void write(int b) throws java.io.IOException {
			this.first.write(b);
			this.second.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) throws java.io.IOException {
			this.first.write(b, off, len);
			this.second.write(b, off, len);
		}

		@Override
		public void flush() throws java.io.IOException {
			this.first.flush();
			this.second.flush();
		}

		@Override
		public void close() throws java.io.IOException {
			flush();
		}

	}

}
