package io.kiwistack.db.compatibility.modulith;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** The orders module: places an order and publishes {@link OrderPlaced} in the same transaction. */
public class Orders {

	private final JdbcTemplate jdbc;

	private final ApplicationEventPublisher events;

	public Orders(JdbcTemplate jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	@Transactional
	public void place(String orderId) {
		this.jdbc.update("INSERT INTO placed_order (id) VALUES (?)", orderId);
		this.events.publishEvent(new OrderPlaced(orderId));
	}

	/** Places the order, publishes the event, then fails: the transaction rolls back. */
	@Transactional
	public void placeAndFail(String orderId) {
		place(orderId);
		throw new IllegalStateException("Payment declined for " + orderId);
	}

}
