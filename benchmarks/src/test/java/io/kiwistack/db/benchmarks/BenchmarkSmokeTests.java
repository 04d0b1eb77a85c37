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
 * stops, every figure and ratio is printed, and the Markdown and PNG are written. Timings are never
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
		Path markdown = out.resolve(BenchmarkReport.MARKDOWN_FILE);
		Path chart = out.resolve(BenchmarkReport.CHART_FILE);
		assertThat(markdown).isRegularFile();
		assertThat(Files.size(markdown)).isPositive();
		assertThat(chart).isRegularFile();
		assertThat(Files.size(chart)).isPositive();
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
