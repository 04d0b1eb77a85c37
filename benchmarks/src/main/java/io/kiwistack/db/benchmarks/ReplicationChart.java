package io.kiwistack.db.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The replication figures in milliseconds: commit-to-replicated latency and read replica lag (each
 * p99 green where within its limit, red where not, the limit as a marker), the longest checkpoint
 * barriers and the longest write transactions under heavy load.
 */
final class ReplicationChart {

	private ReplicationChart() {
	}

	static void write(BenchmarkReport.Report report, Path file) throws IOException {
		System.setProperty("java.awt.headless", "true");
		ReplicationRuns.Result result = report.replication();
		CategoryChart chart = new CategoryChartBuilder().width(1300)
			.height(650)
			.title("kiwi-db replication, directory replica (" + report.date()
					+ (report.options().smoke() ? ", SMOKE RUN" : "") + ((result == null) ? ", SKIPPED" : "") + ")")
			.xAxisTitle("figure")
			.yAxisTitle("milliseconds (lower is better)")
			.build();
		chart.getStyler().setOverlapped(true);
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
		chart.getStyler().setXAxisLabelRotation(25);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setYAxisMin(0.0);
		chart.getStyler().setYAxisDecimalPattern("0");
		chart.getStyler().setMarkerSize(14);

		List<String> categories = List.of("latency p50", "latency p99", "latency max", "replica lag p50",
				"replica lag p99", "replica lag max", "barrier, steady",
				"barrier, 8 MiB/s", "longest tx, 8 MiB/s", "barrier, unthrottled", "longest tx, unthr., on",
				"longest tx, unthr., off");
		List<Double> values = (result == null) ? Collections.nCopies(categories.size(), 0.0) : Arrays.asList(
				result.latency().p50(), result.latency().p99(), result.latency().max(), result.follower().p50(),
				result.follower().p99(), result.follower().max(),
				ReplicationRuns.Result.millis(result.latency().longestBarrier()),
				ReplicationRuns.Result.millis(result.paced().longestBarrier()), result.paced().longestTxMillis(),
				ReplicationRuns.Result.millis(result.heavyOn().longestBarrier()), result.heavyOn().longestTxMillis(),
				result.heavyOff().longestTxMillis());
		List<String> labelled = new ArrayList<>();
		List<Double> figures = new ArrayList<>();
		List<Double> met = new ArrayList<>();
		List<Double> notMet = new ArrayList<>();
		List<Double> limit = new ArrayList<>();
		// The p99 bars with a limit: commit-to-replicated latency, read replica lag.
		Map<Integer, BenchmarkReport.LimitResult> limits = Map.of(1, report.latencyLimit(), 4, report.followerLimit());
		for (int i = 0; i < categories.size(); i++) {
			double value = Double.isNaN(values.get(i)) ? 0.0 : values.get(i);
			labelled.add(categories.get(i) + ": " + String.format(java.util.Locale.ROOT, "%.0f ms", value));
			BenchmarkReport.LimitResult p99 = limits.get(i);
			figures.add((p99 != null) ? 0.0 : value);
			met.add((p99 != null && p99.met()) ? value : 0.0);
			notMet.add((p99 != null && !p99.met()) ? value : 0.0);
			limit.add((p99 != null) ? p99.limit() : null);
		}
		CategorySeries figureSeries = chart.addSeries("measured", labelled, figures);
		figureSeries.setFillColor(new Color(0x4a, 0x78, 0xb8));
		CategorySeries metSeries = chart.addSeries("p99, within its limit", labelled, met);
		metSeries.setFillColor(new Color(0x2e, 0x9e, 0x4f));
		CategorySeries notMetSeries = chart.addSeries("p99, over its limit", labelled, notMet);
		notMetSeries.setFillColor(new Color(0xd6, 0x45, 0x45));
		if (result != null) {
			CategorySeries limitSeries = chart.addSeries("p99 limit", labelled, limit);
			limitSeries.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
			limitSeries.setMarker(SeriesMarkers.DIAMOND);
			limitSeries.setMarkerColor(Color.BLACK);
		}
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

}
