package io.kiwistack.db.test;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A Spring Data JDBC aggregate.
 */
@Table
record Kiwi(@Id Long id, String name) {
}
