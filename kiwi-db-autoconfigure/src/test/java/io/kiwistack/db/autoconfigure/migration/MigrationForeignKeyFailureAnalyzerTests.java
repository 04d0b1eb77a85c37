package io.kiwistack.db.autoconfigure.migration;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationForeignKeyFailureAnalyzer}; the compatibility tests show it on real
 * Flyway and Liquibase failures.
 */
class MigrationForeignKeyFailureAnalyzerTests {

	private static final ForeignKeyViolation ORPHAN = new ForeignKeyViolation("orders", 2L, "customer",
			List.of("customer_id"), List.of("id"), List.of("42"), true);

	@Test
	void aMigrationOutsideATransactionIsToldItRunsAgainAndToRepairTheRowsByHand() {
		MigrationForeignKeyException failure = new MigrationForeignKeyException("Flyway",
				"migration 4 \"rebuild\" (V4__rebuild.sql)", List.of(ORPHAN), 1, false);
		FailureAnalysis analysis = new MigrationForeignKeyFailureAnalyzer()
			.analyze(new IllegalStateException("Flyway failed", failure));
		assertThat(analysis.getCause()).isSameAs(failure);
		assertThat(analysis.getDescription()).isEqualTo("Flyway migration 4 \"rebuild\" (V4__rebuild.sql) left 1 row "
				+ "that breaks a foreign key: orders row 2 (customer_id = 42) references customer (id), which has no "
				+ "such row.\n\nkiwi-db runs Flyway migrations with foreign keys off, as SQLite's procedure for schema "
				+ "changes asks (https://sqlite.org/lang_altertable.html#otheralter), and checks them with "
				+ "PRAGMA foreign_key_check before each migration commits. This migration ran outside a transaction, "
				+ "so its changes were kept.");
		assertThat(analysis.getAction()).endsWith("change the referencing rows explicitly. It ran outside a "
				+ "transaction and Flyway has not recorded it as applied, so it runs again at the next start: repair the "
				+ "rows it left by hand too (PRAGMA foreign_key_check lists them), then restart the application. "
				+ "Foreign keys stay enforced for the application (kiwi.db.foreign-keys).");
	}

	@Test
	void aRowWithoutRowidOrReadableValuesIsStillNamed() {
		ForeignKeyViolation withoutRowid = new ForeignKeyViolation("line_item", null, "orders", List.of("order_id"),
				List.of(), null, true);
		assertThat(withoutRowid.describe())
			.isEqualTo("a row of line_item (order_id) references orders, which has no such row");
	}

	@Test
	void moreRowsThanDescribedAreCounted() {
		MigrationForeignKeyException failure = new MigrationForeignKeyException("Liquibase", "changeset c.yaml::1::kiwi",
				List.of(ORPHAN), 25, true);
		assertThat(failure.getMessage()).isEqualTo("Liquibase changeset c.yaml::1::kiwi left 25 rows that break foreign "
				+ "keys: orders row 2 (customer_id = 42) references customer (id), which has no such row; and 24 more");
	}

}
