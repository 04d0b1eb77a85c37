package io.kiwistack.db.autoconfigure.data;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The application the Spring Data JDBC tests slice: its package holds the aggregates and
 * repositories under test.
 */
@SpringBootApplication
class DataJdbcTestApplication {

}
