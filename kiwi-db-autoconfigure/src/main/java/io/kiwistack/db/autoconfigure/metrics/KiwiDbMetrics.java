package io.kiwistack.db.autoconfigure.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.DatabaseFile;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.replication.FollowerStatus;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReplicationCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for a kiwi-db database: file and log sizes, how long threads wait for the
 * writer and, with replication, what was shipped, what failed, and how far behind the replica is.
 * Every meter reads running totals kiwi-db keeps anyway; none queries the database.
 */
public class KiwiDbMetrics implements MeterBinder {

	private final KiwiDataSource dataSource;

	private final KiwiDbReplicator replicator;

	public KiwiDbMetrics(KiwiDataSource dataSource, KiwiDbReplicator replicator) {
		this.dataSource = dataSource;
		this.replicator = replicator;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.dataSource.file().ifPresent((file) -> bindFile(registry, file));
		FunctionTimer.builder("kiwi.db.writer.acquire", this.dataSource,
				(source) -> source.writerWaitStatistics().acquisitions(),
				(source) -> source.writerWaitStatistics().totalWait().toNanos(), TimeUnit.NANOSECONDS)
			.description("Time threads waited for the single writer connection")
			.register(registry);
		if (this.replicator == null) {
			return;
		}
		if (this.replicator.role() == KiwiDbReplicator.Role.PRIMARY) {
			bindPrimary(registry, this.replicator);
		}
		else {
			Gauge.builder("kiwi.db.replication.lag", this.replicator, KiwiDbMetrics::followerLagSeconds)
				.description("How far this read replica may be behind the primary")
				.baseUnit("seconds")
				.register(registry);
		}
	}

	private static void bindFile(MeterRegistry registry, DatabaseFile file) {
		Gauge.builder("kiwi.db.size", file, DatabaseFile::size)
			.description("Size of the database file")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("kiwi.db.wal.size", file, DatabaseFile::walSize)
			.description("Size of the write-ahead log")
			.baseUnit("bytes")
			.register(registry);
	}

	private static void bindPrimary(MeterRegistry registry, KiwiDbReplicator replicator) {
		FunctionCounter.builder("kiwi.db.replication.shipped.bytes", replicator, (r) -> r.counters().bytesShipped())
			.description("Compressed log bytes shipped to the replica")
			.baseUnit("bytes")
			.register(registry);
		FunctionCounter.builder("kiwi.db.replication.shipped.segments", replicator, (r) -> r.counters().segmentsShipped())
			.description("Log segments shipped to the replica")
			.register(registry);
		FunctionCounter.builder("kiwi.db.replication.shipped.transactions", replicator,
				(r) -> r.counters().transactionsShipped())
			.description("Transactions shipped to the replica")
			.register(registry);
		FunctionCounter.builder("kiwi.db.replication.errors", replicator, (r) -> r.counters().failedSyncs())
			.description("Syncs to the replica that failed")
			.register(registry);
		Gauge.builder("kiwi.db.replication.last.sync.age", replicator, KiwiDbMetrics::lastSyncAgeSeconds)
			.description("Time since the last successful sync to the replica")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("kiwi.db.replication.lag", replicator, KiwiDbMetrics::lastSyncAgeSeconds)
			.description("How much of the latest commits may be missing from the replica")
			.baseUnit("seconds")
			.register(registry);
	}

	private static double lastSyncAgeSeconds(KiwiDbReplicator replicator) {
		ReplicationCounters counters = replicator.counters();
		Instant last = counters.lastSuccessfulSync();
		return (last != null) ? Duration.between(last, Instant.now()).toMillis() / 1000.0 : Double.NaN;
	}

	private static double followerLagSeconds(KiwiDbReplicator replicator) {
		FollowerStatus status = replicator.followerStatus();
		return (status.lag() != null) ? status.lag().toMillis() / 1000.0 : Double.NaN;
	}

}
