package io.kiwistack.db.autoconfigure.web;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.beans.factory.ObjectProvider;

/**
 * {@link ClusterMetrics} as Micrometer timers: {@code kiwi.db.forwarded.requests} tagged with the
 * outcome and status, {@code kiwi.db.read.your.writes.waits} tagged with the outcome. The registry
 * is looked up when a request is measured, so an application without one records nothing.
 */
final class MicrometerClusterMetrics implements ClusterMetrics {

	static final String FORWARDED = "kiwi.db.forwarded.requests";

	static final String READ_YOUR_WRITES = "kiwi.db.read.your.writes.waits";

	private final ObjectProvider<MeterRegistry> registries;

	MicrometerClusterMetrics(ObjectProvider<MeterRegistry> registries) {
		this.registries = registries;
	}

	@Override
	public void forwarded(String outcome, int status, long nanos) {
		MeterRegistry registry = this.registries.getIfUnique();
		if (registry != null) {
			Timer.builder(FORWARDED)
				.description("Write requests a read replica forwarded to the primary, with the wait for their commit")
				.tag("outcome", outcome)
				.tag("status", Integer.toString(status))
				.register(registry)
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void readYourWritesWait(String outcome, long nanos) {
		MeterRegistry registry = this.registries.getIfUnique();
		if (registry != null) {
			Timer.builder(READ_YOUR_WRITES)
				.description("Waits of a request until this node had applied the client's last write")
				.tag("outcome", outcome)
				.register(registry)
				.record(nanos, TimeUnit.NANOSECONDS);
		}
	}

}
