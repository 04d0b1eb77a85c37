package io.kiwistack.db.autoconfigure.hibernate;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Notes, through Spring Data JPA.
 */
interface NoteRepository extends JpaRepository<Note, Long> {

	List<Note> findByPinnedTrueOrderByCreatedAtDesc();

}
