package io.kiwistack.db.autoconfigure.hibernate;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the JPA tests slice: its package holds the entity and repository under test.
 */
@SpringBootApplication
class JpaTestApplication {

}
