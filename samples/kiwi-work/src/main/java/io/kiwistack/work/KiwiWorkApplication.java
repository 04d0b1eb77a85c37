package io.kiwistack.work;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kiwi Work, the task service: a REST API over tasks kept in the service's own embedded SQLite
 * database, provided by the kiwi-db starter (file {@code ./data/kiwi-work.db} unless
 * {@code kiwi.db.path} says otherwise).
 */
@SpringBootApplication
public class KiwiWorkApplication {

	public static void main(String[] args) {
		SpringApplication.run(KiwiWorkApplication.class, args);
	}

}
