package io.kiwistack.db.benchmarks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The benchmarks' {@code item} row as a JPA entity, for the JPA read-only transactions. */
@Entity
@Table(name = "item")
public class ItemEntity {

	@Id
	private Long id;

	private String title;

	private int qty;

	protected ItemEntity() {
	}

	public int getQty() {
		return this.qty;
	}

}
