package io.kiwistack.db.compatibility.modulith;

/** The event the orders module publishes when an order is placed. */
public record OrderPlaced(String orderId) {
}
