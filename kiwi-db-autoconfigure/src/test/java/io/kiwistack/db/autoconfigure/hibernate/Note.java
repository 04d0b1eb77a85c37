package io.kiwistack.db.autoconfigure.hibernate;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/**
 * A JPA entity with a generated id, a boolean, a timestamp and a version.
 */
@Entity
class Note {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String body;

	private boolean pinned;

	private Instant createdAt;

	@Version
	private int version;

	protected Note() {
	}

	Note(String body, boolean pinned, Instant createdAt) {
		this.body = body;
		this.pinned = pinned;
		this.createdAt = createdAt;
	}

	Long getId() {
		return this.id;
	}

	String getBody() {
		return this.body;
	}

	void setBody(String body) {
		this.body = body;
	}

	boolean isPinned() {
		return this.pinned;
	}

	Instant getCreatedAt() {
		return this.createdAt;
	}

	int getVersion() {
		return this.version;
	}

}
