package io.kiwistack.db.compatibility.osiv;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/**
 * What one harvest of a vine weighed.
 */
@Entity
public class Harvest {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private Long vineId;

	private int kilograms;

	protected Harvest() {
	}

	Harvest(Long vineId, int kilograms) {
		this.vineId = vineId;
		this.kilograms = kilograms;
	}

	public Long getId() {
		return this.id;
	}

}
