package io.kiwistack.db.autoconfigure.data;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Embedded;
import org.springframework.data.relational.core.mapping.MappedCollection;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An order: an aggregate with an embedded shipping address, and a list of lines and a set of
 * coupons, each stored in a table of its own.
 */
@Table
record PurchaseOrder(@Id Long id, String customer, @Embedded.Nullable(prefix = "ship_") Address shipTo,
		@MappedCollection(idColumn = "purchase_order", keyColumn = "line_index") List<OrderLine> lines,
		@MappedCollection(idColumn = "purchase_order") Set<Coupon> coupons, Instant placedAt) {

	PurchaseOrder withLines(List<OrderLine> lines) {
		return new PurchaseOrder(this.id, this.customer, this.shipTo, lines, this.coupons, this.placedAt);
	}

	/**
	 * Where an order goes.
	 */
	record Address(String street, String city) {
	}

	/**
	 * One line of an order.
	 */
	record OrderLine(String product, int quantity) {
	}

	/**
	 * A discount applied to an order.
	 */
	record Coupon(String code) {
	}

}
