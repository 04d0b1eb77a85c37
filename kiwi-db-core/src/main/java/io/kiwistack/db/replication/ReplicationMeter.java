package io.kiwistack.db.replication;

import java.util.function.DoubleSupplier;

/**
 * One figure of replication to publish as a metric.
 *
 * @param name the metric's name, {@code kiwi.db.replication.*}
 * @param description what it measures
 * @param baseUnit its unit, {@code null} for a plain count
 * @param kind whether it only grows (a counter) or goes up and down (a gauge)
 * @param value reads its current value
 */
public record ReplicationMeter(String name, String description, String baseUnit, Kind kind, DoubleSupplier value) {

	/** How a metric's value moves. */
	public enum Kind {

		/** A running total since start. */
		COUNTER,

		/** A value that goes up and down. */
		GAUGE

	}

}
