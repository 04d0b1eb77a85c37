package io.kiwistack.db.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What each way of narrowing the report runs: the size runs alone, at the sizes asked for; Litestream side by side alone. */
class ReportOptionsTests {

	@Test
	void sizesOnlyRunsNothingButTheSizeRunsAtTheSizesGiven() {
		ReportOptions options = ReportOptions.parse("--sizes-only", "--sizes", "100,1000");
		assertThat(options.jmh()).isFalse();
		assertThat(options.replicationRuns()).isFalse();
		assertThat(options.sideBySideRuns()).isFalse();
		assertThat(options.clusterRuns()).isFalse();
		assertThat(options.failoverRuns()).isFalse();
		assertThat(options.sizeRuns()).isTrue();
		assertThat(SizeRuns.sizes(options)).containsExactly(100_000_000L, 1_000_000_000L);
		assertThat(options.describe()).isEqualTo("size runs only, database sizes [100 MB, 1 GB]");
	}

	@Test
	void withoutSizesTheDefaultSizesRun() {
		assertThat(SizeRuns.sizes(ReportOptions.parse("--sizes-only")))
			.containsExactly(10_000_000L, 100_000_000L, 1_000_000_000L);
		assertThat(SizeRuns.sizes(ReportOptions.parse("--sizes-only", "--large"))).hasSize(4);
	}

	@Test
	void sizesOnlyRefusesOptionsThatContradictIt() {
		for (List<String> args : List.of(List.of("--sizes-only", "--no-size-runs"), List.of("--sizes-only", "--cluster-only"),
				List.of("--sizes-only", "--failover-only"), List.of("--sizes-only", "--litestream-only"),
				List.of("--sizes", "0"), List.of("--sizes", "100,x"), List.of("--sizes"))) {
			assertThatIllegalArgumentException().as("%s", args).isThrownBy(() -> ReportOptions.parse(args.toArray(String[]::new)));
		}
	}

	@Test
	void litestreamOnlyRunsSideBySideAndNothingElse() {
		ReportOptions options = ReportOptions.parse("--litestream-only");
		assertThat(options.sideBySideRuns()).isTrue();
		assertThat(options.jmh()).isFalse();
		assertThat(options.replicationRuns()).isFalse();
		assertThat(options.clusterRuns()).isFalse();
		assertThat(options.failoverRuns()).isFalse();
		assertThat(options.sizeRuns()).isFalse();
		assertThat(options.describe()).startsWith("Litestream side by side only");
	}

	@Test
	void theFullReportRunsSideBySideWithTheReplicationRuns() {
		ReportOptions options = ReportOptions.parse();
		assertThat(options.sideBySideRuns()).isTrue();
		assertThat(options.replicationRuns()).isTrue();
		assertThat(ReportOptions.parse("--no-replication-runs").sideBySideRuns()).isFalse();
		assertThat(ReportOptions.parse("--cluster-only").sideBySideRuns()).isFalse();
	}

	@Test
	void litestreamOnlyRefusesToRunWithoutItsRuns() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReportOptions.parse("--litestream-only", "--no-replication-runs"));
		assertThatIllegalArgumentException().isThrownBy(() -> ReportOptions.parse("--litestream-only", "--failover-only"));
	}

	@Test
	void eachClusterPartAloneRunsItsOwnRunsAndTwoPartsAloneAreRefused() {
		ReportOptions cluster = ReportOptions.parse("--cluster-only");
		assertThat(cluster.clusterRuns()).isTrue();
		assertThat(cluster.failoverRuns()).isTrue();
		assertThat(cluster.commitAckOnly()).isFalse();
		ReportOptions commitAck = ReportOptions.parse("--commit-ack-only");
		assertThat(commitAck.clusterRuns()).isTrue();
		assertThat(commitAck.commitAckOnly()).isTrue();
		assertThat(commitAck.failoverRuns()).isFalse();
		ReportOptions failover = ReportOptions.parse("--failover-only");
		assertThat(failover.failoverRuns()).isTrue();
		assertThat(failover.clusterRuns()).isFalse();
		for (ReportOptions alone : List.of(cluster, commitAck, failover)) {
			assertThat(alone.jmh()).isFalse();
			assertThat(alone.replicationRuns()).isFalse();
			assertThat(alone.sideBySideRuns()).isFalse();
			assertThat(alone.sizeRuns()).isFalse();
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ReportOptions.parse("--cluster-only", "--commit-ack-only"))
			.withMessageStartingWith("--cluster-only and --commit-ack-only each run one part of the report alone");
		assertThatIllegalArgumentException().isThrownBy(() -> ReportOptions.parse("--failover-only", "--no-cluster-runs"))
			.withMessageStartingWith("--failover-only runs cluster runs");
	}

}
