package io.kiwistack.docs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kiwi Docs, the document service: documents kept in the service's own embedded SQLite database,
 * provided by the kiwi-db starter, with Spring Data JDBC repositories and SQLite FTS5 full-text
 * search (file {@code ./data/kiwi-docs.db} unless {@code kiwi.db.path} says otherwise).
 */
@SpringBootApplication
public class KiwiDocsApplication {

	public static void main(String[] args) {
		SpringApplication.run(KiwiDocsApplication.class, args);
	}

}
