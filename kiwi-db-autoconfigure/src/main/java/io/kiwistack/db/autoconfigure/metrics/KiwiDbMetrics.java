package io.kiwistack.db.autoconfigure.metrics;

import java.util.concurrent.TimeUnit;

import io.kiwistack.db.DatabaseFile;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReplicationMeter;
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
		if (this.replicator != null) {
			this.replicator.meters().forEach((meter) -> bindReplication(registry, this.replicator, meter));
		}
	}

	/**
	 * Micrometer holds a function meter's state object weakly: it is the replicator, which the
	 * application context holds, and not the short-lived {@link ReplicationMeter}, which the
	 * garbage collector could take, leaving the meter reading nothing.
	 */
	private static void bindReplication(MeterRegistry registry, KiwiDbReplicator replicator, ReplicationMeter meter) {
		if (meter.kind() == ReplicationMeter.Kind.COUNTER) {
			FunctionCounter.builder(meter.name(), replicator, (r) -> meter.value().getAsDouble())
				.description(meter.description())
				.baseUnit(meter.baseUnit())
				.register(registry);
		}
		else {
			Gauge.builder(meter.name(), replicator, (r) -> meter.value().getAsDouble())
				.description(meter.description())
				.baseUnit(meter.baseUnit())
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

}
