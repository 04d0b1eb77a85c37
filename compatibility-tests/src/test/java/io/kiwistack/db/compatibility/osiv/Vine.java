package io.kiwistack.db.compatibility.osiv;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/**
 * A kiwi vine: a name, and whether it was pruned this season.
 */
@Entity
public class Vine {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String name;

	private boolean pruned;

	protected Vine() {
	}

	public Long getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	void rename(String name) {
		this.name = name;
	}

	public boolean isPruned() {
		return this.pruned;
	}

	void prune() {
		this.pruned = true;
	}

}
