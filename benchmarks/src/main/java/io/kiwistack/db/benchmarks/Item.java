package io.kiwistack.db.benchmarks;

/** One row of the benchmark table. */
public record Item(long id, String title, int qty) {
}
