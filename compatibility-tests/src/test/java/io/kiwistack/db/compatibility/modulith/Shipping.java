package io.kiwistack.db.compatibility.modulith;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.modulith.events.ApplicationModuleListener;

/**
 * The shipping module: ships each placed order after the order's transaction commits, on another
 * thread in a transaction of its own (what {@link ApplicationModuleListener} means). Fails as
 * often as it is told to first.
 */
public class Shipping {

	private final JdbcTemplate jdbc;

	private final AtomicInteger failuresToCome = new AtomicInteger();

	public Shipping(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@ApplicationModuleListener
	void on(OrderPlaced event) {
		this.jdbc.update("INSERT INTO shipment (order_id, thread) VALUES (?, ?)", event.orderId(),
				Thread.currentThread().getName());
		if (this.failuresToCome.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			throw new IllegalStateException("The carrier is unreachable");
		}
	}

	/** The next {@code count} shipments fail, after their insert, which then rolls back. */
	void failNext(int count) {
		this.failuresToCome.set(count);
	}

}
