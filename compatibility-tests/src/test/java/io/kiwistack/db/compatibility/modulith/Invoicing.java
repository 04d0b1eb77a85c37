package io.kiwistack.db.compatibility.modulith;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The invoicing module: invoices each placed order on the publishing thread, right after the
 * order's transaction commits, in a transaction of its own as Spring asks of work after a commit.
 */
public class Invoicing {

	private final JdbcTemplate jdbc;

	public Invoicing(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@TransactionalEventListener
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void on(OrderPlaced event) {
		this.jdbc.update("INSERT INTO invoice (order_id, thread) VALUES (?, ?)", event.orderId(),
				Thread.currentThread().getName());
	}

}
