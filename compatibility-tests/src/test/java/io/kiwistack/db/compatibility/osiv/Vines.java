package io.kiwistack.db.compatibility.osiv;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data's repository of vines: its finders run in read-only transactions.
 */
interface Vines extends JpaRepository<Vine, Long> {

}
