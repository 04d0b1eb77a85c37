package io.kiwistack.db.test;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application whose tests use {@link KiwiDbTest @KiwiDbTest}; its {@code application.properties}
 * names a production database and turns replication on, which no test may touch.
 */
@SpringBootApplication
class KiwiDbTestApplication {

}
