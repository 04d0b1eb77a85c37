package io.kiwistack.db.autoconfigure.hibernate;

import java.util.HashMap;
import java.util.Map;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteDataSource;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SqliteDialectCustomizer}.
 */
class SqliteDialectCustomizerTests {

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void setsTheSqliteDialectForKiwiDb() throws Exception {
		try (KiwiDbDataSource kiwiDb = inMemoryKiwiDb()) {
			Map<String, Object> properties = new HashMap<>();

			new SqliteDialectCustomizer(kiwiDb, this.environment).customize(properties);

			assertThat(properties).containsEntry("hibernate.dialect", "org.hibernate.community.dialect.SQLiteDialect");
		}
	}

	@Test
	void leavesAConfiguredDialectAlone() throws Exception {
		try (KiwiDbDataSource kiwiDb = inMemoryKiwiDb()) {
			Map<String, Object> properties = new HashMap<>(Map.of("hibernate.dialect", "com.example.OwnDialect"));

			new SqliteDialectCustomizer(kiwiDb, this.environment).customize(properties);

			assertThat(properties).containsEntry("hibernate.dialect", "com.example.OwnDialect");
		}
	}

	@Test
	void leavesTheDialectToTheDatabasePlatformProperty() throws Exception {
		try (KiwiDbDataSource kiwiDb = inMemoryKiwiDb()) {
			Map<String, Object> properties = new HashMap<>();
			this.environment.setProperty("spring.jpa.database-platform", "com.example.OwnDialect");

			new SqliteDialectCustomizer(kiwiDb, this.environment).customize(properties);

			assertThat(properties).doesNotContainKey("hibernate.dialect");
		}
	}

	@Test
	void leavesADataSourceATestSwappedInAlone() {
		Map<String, Object> properties = new HashMap<>();

		new SqliteDialectCustomizer(new SQLiteDataSource(), this.environment).customize(properties);

		assertThat(properties).doesNotContainKey("hibernate.dialect");
	}

	private static KiwiDbDataSource inMemoryKiwiDb() throws Exception {
		return new KiwiDbDataSource(KiwiDataSource.open(KiwiDbSettings.builder(KiwiDbSettings.IN_MEMORY).build()));
	}

}
