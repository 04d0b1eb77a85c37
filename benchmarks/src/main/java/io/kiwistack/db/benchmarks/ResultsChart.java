package io.kiwistack.db.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The measured ratios as bars (green where the target is met, red where not), targets as markers. */
final class ResultsChart {

	private ResultsChart() {
	}

	static void write(BenchmarkReport.Report report, Path file) throws IOException {
		System.setProperty("java.awt.headless", "true");
		CategoryChart chart = new CategoryChartBuilder().width(1300)
			.height(650)
			.title("kiwi-db: measured ratios against targets (" + report.date() + (report.options().smoke() ? ", SMOKE RUN" : "") + ")")
			.xAxisTitle("comparison")
			.yAxisTitle("ratio (x)")
			.build();
		chart.getStyler().setOverlapped(true);
		chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
		// Eight and more categories: upright labels run into each other.
		chart.getStyler().setXAxisLabelRotation(20);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setYAxisMin(0.0);
		chart.getStyler().setYAxisDecimalPattern("0.0");
		chart.getStyler().setMarkerSize(14);

		List<String> categories = new ArrayList<>();
		List<Double> met = new ArrayList<>();
		List<Double> notMet = new ArrayList<>();
		List<Double> targets = new ArrayList<>();
		for (BenchmarkReport.RatioResult ratio : report.ratios()) {
			double value = Double.isNaN(ratio.value()) ? 0.0 : ratio.value();
			categories.add(ratio.ratio().shortLabel() + ": " + ratio.formattedValue());
			met.add(ratio.met() ? value : 0.0);
			notMet.add(ratio.met() ? 0.0 : value);
			targets.add(ratio.ratio().target());
		}
		CategorySeries metSeries = chart.addSeries("measured, target met", categories, met);
		metSeries.setFillColor(new Color(0x2e, 0x9e, 0x4f));
		CategorySeries notMetSeries = chart.addSeries("measured, target not met", categories, notMet);
		notMetSeries.setFillColor(new Color(0xd6, 0x45, 0x45));
		CategorySeries targetSeries = chart.addSeries("target (at least)", categories, targets);
		targetSeries.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
		targetSeries.setMarker(SeriesMarkers.DIAMOND);
		targetSeries.setMarkerColor(Color.BLACK);
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

}
