package io.kiwistack.db.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The costs by database size as lines over the size (both axes logarithmic), in milliseconds. */
final class SizeChart {

	private SizeChart() {
	}

	static void write(BenchmarkReport.Report report, Path file) throws IOException {
		System.setProperty("java.awt.headless", "true");
		XYChart chart = new XYChartBuilder().width(1000)
			.height(650)
			.title("kiwi-db: costs by database size (" + report.date() + (report.options().smoke() ? ", SMOKE RUN" : "")
					+ ((report.sizes() == null) ? ", SKIPPED" : "") + ")")
			.xAxisTitle("database size (MB)")
			.yAxisTitle("milliseconds (lower is better)")
			.build();
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setXAxisLogarithmic(true);
		chart.getStyler().setYAxisLogarithmic(true);
		List<SizeRuns.Size> sizes = (report.sizes() != null)
				? report.sizes().sizes().stream().filter(SizeRuns.Size::measured).toList() : List.of();
		if (sizes.isEmpty()) {
			// xchart draws no chart without a series; one empty point says "nothing measured".
			chart.addSeries("nothing measured", new double[] { 1 }, new double[] { 1 });
		}
		else {
			add(chart, sizes, "startup", SizeRuns.Size::startupMillis);
			add(chart, sizes, "full snapshot", SizeRuns.Size::snapshotMillis);
			add(chart, sizes, "restore: kiwi-db", SizeRuns.Size::kiwiRestoreMillis);
			add(chart, sizes, "restore: litestream", SizeRuns.Size::litestreamRestoreMillis);
			add(chart, sizes, "read replica's first start", SizeRuns.Size::replicaFirstStartMillis);
		}
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

	private static void add(XYChart chart, List<SizeRuns.Size> sizes, String name, ToDoubleFunction<SizeRuns.Size> millis) {
		double[] x = sizes.stream().mapToDouble((size) -> size.bytes() / 1e6).toArray();
		// A logarithmic axis can't show 0: a cost too small to measure is drawn at 1 ms.
		double[] y = sizes.stream().mapToDouble((size) -> Math.max(1, millis.applyAsDouble(size))).toArray();
		chart.addSeries(name, x, y);
	}

}
