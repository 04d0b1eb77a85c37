package io.kiwistack.db.compatibility.osiv;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * Spring Data's repository of harvests.
 */
interface Harvests extends JpaRepository<Harvest, Long> {

}
