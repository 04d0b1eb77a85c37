package io.kiwistack.db.autoconfigure.hibernate;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.community.dialect.SQLiteDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JPA on kiwi-db with Hibernate's community SQLite dialect and no dialect configured, through
 * Boot's own {@code @DataJpaTest} told not to replace the database.
 */
@DataJpaTest(showSql = false, properties = "spring.flyway.locations=classpath:db/jpa")
@AutoConfigureTestDatabase(replace = Replace.NONE)
@DirtiesContext
class SqliteJpaTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("kiwi.db.path", () -> dir.resolve("jpa.db").toString());
	}

	@Autowired
	DataSource dataSource;

	@Autowired
	EntityManagerFactory entityManagerFactory;

	@Autowired
	EntityManager entityManager;

	@Autowired
	NoteRepository notes;

	@Autowired
	JdbcClient jdbc;

	@Test
	void hibernateUsesTheSqliteDialectWithoutBeingTold() {
		assertThat(this.dataSource).isInstanceOf(KiwiDbDataSource.class);
		assertThat(this.entityManagerFactory.getProperties()).containsEntry("hibernate.dialect",
				SQLiteDialect.class.getName());
		assertThat(this.entityManagerFactory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect())
			.isInstanceOf(SQLiteDialect.class);
	}

	@Test
	void jdbcInAJpaTransactionSharesItsConnection() {
		this.notes.saveAndFlush(new Note("buy kiwis", false, Instant.EPOCH));

		assertThat(this.jdbc.sql("SELECT body FROM note").query(String.class).list()).containsExactly("buy kiwis");
	}

	@Test
	void anEntityRoundTrips() {
		Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		Note saved = this.notes.saveAndFlush(new Note("buy kiwis", true, createdAt));
		this.notes.saveAndFlush(new Note("sell limes", false, createdAt.plusSeconds(1)));
		this.entityManager.clear();

		Note loaded = this.notes.findById(saved.getId()).orElseThrow();

		assertThat(loaded.getId()).isPositive();
		assertThat(loaded.getBody()).isEqualTo("buy kiwis");
		assertThat(loaded.isPinned()).isTrue();
		assertThat(loaded.getCreatedAt()).isEqualTo(createdAt);
		assertThat(this.notes.findByPinnedTrueOrderByCreatedAtDesc()).extracting(Note::getBody)
			.containsExactly("buy kiwis");

		loaded.setBody("buy more kiwis");
		this.notes.saveAndFlush(loaded);
		this.entityManager.clear();

		assertThat(this.notes.findById(saved.getId())).get()
			.satisfies((updated) -> assertThat(updated.getBody()).isEqualTo("buy more kiwis"))
			.extracting(Note::getVersion)
			.isEqualTo(saved.getVersion() + 1);
	}

}
