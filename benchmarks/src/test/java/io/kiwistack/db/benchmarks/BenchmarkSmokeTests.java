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
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
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
		assertThat(lines).as("every target counted")
			.anySatisfy((line) -> assertThat(line).matches("\\d+ of " + (Ratio.ALL.size() + 2) + " targets met\\."));
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
				"writes: kiwi-db replication on / off", BenchmarkReport.REPLICATION_CHART_FILE);
		assertThat(chart).isRegularFile();
		assertThat(Files.size(chart)).isPositive();
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
