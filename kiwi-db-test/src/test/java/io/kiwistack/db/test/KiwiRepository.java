package io.kiwistack.db.test;

import org.springframework.data.repository.ListCrudRepository;

/**
 * A Spring Data JDBC repository, which {@link KiwiDbTest @KiwiDbTest} loads.
 */
interface KiwiRepository extends ListCrudRepository<Kiwi, Long> {

}
