package io.kiwistack.db.compatibility.dates;

import java.time.Instant;
import java.time.LocalDateTime;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/**
 * A meter reading: when it was taken (an instant) and the wall-clock time the meter showed.
 */
@Entity
class Reading {

	@Id
	private Long id;

	private Instant takenAt;

	private LocalDateTime meterTime;

	protected Reading() {
	}

	Reading(long id, Instant takenAt, LocalDateTime meterTime) {
		this.id = id;
		this.takenAt = takenAt;
		this.meterTime = meterTime;
	}

	Instant getTakenAt() {
		return this.takenAt;
	}

	LocalDateTime getMeterTime() {
		return this.meterTime;
	}

}
