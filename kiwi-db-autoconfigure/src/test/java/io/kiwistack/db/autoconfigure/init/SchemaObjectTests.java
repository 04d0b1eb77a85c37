package io.kiwistack.db.autoconfigure.init;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SchemaObject#createdBy(String)}: the objects a schema script creates.
 */
class SchemaObjectTests {

	@Test
	void tablesAndIndexesAreFoundWhateverTheirCase() {
		String script = """
				CREATE TABLE SPRING_SESSION (PRIMARY_ID CHAR(36) NOT NULL);
				create unique index Spring_Session_IX1 on SPRING_SESSION (PRIMARY_ID);
				""";
		assertThat(SchemaObject.createdBy(script)).containsExactly(SchemaObject.of("table", "spring_session"),
				SchemaObject.of("index", "spring_session_ix1"));
	}

	@Test
	void ifNotExistsViewsTriggersAndVirtualTablesAreFound() {
		String script = """
				CREATE TABLE IF NOT EXISTS note (id INTEGER PRIMARY KEY, body TEXT);
				CREATE VIEW recent AS SELECT * FROM note;
				CREATE VIRTUAL TABLE note_search USING fts5(body);
				CREATE TRIGGER note_indexed AFTER INSERT ON note BEGIN
				  INSERT INTO note_search (rowid, body) VALUES (new.id, new.body);
				END;
				""";
		assertThat(SchemaObject.createdBy(script)).containsExactly(SchemaObject.of("table", "note"),
				SchemaObject.of("view", "recent"), SchemaObject.of("table", "note_search"),
				SchemaObject.of("trigger", "note_indexed"));
	}

	@Test
	void quotedNamesAreUnquoted() {
		String script = "CREATE TABLE \"order \"\"lines\"\"\" (id INTEGER);\n"
				+ "CREATE TABLE [line item] (id INTEGER);\n"
				+ "CREATE TABLE `kiwi` (id INTEGER);\n"
				+ "CREATE INDEX main.note_body ON note (body);\n";
		assertThat(SchemaObject.createdBy(script)).containsExactly(SchemaObject.of("table", "order \"lines\""),
				SchemaObject.of("table", "line item"), SchemaObject.of("table", "kiwi"),
				SchemaObject.of("index", "note_body"));
	}

	@Test
	void commentsAndStringsThatLookLikeCreateStatementsAreIgnored() {
		String script = """
				-- CREATE TABLE commented_out (id INTEGER);
				/* CREATE TABLE
				   block_commented (id INTEGER); */
				INSERT INTO note (body) VALUES ('CREATE TABLE in_a_string (id INTEGER)');
				INSERT INTO note (body) VALUES ('it''s CREATE TABLE escaped (id INTEGER)');
				""";
		assertThat(SchemaObject.createdBy(script)).isEmpty();
	}

	@Test
	void temporaryObjectsAndThoseOfAttachedDatabasesAreLeftOut() {
		String script = """
				CREATE TEMP TABLE scratch (id INTEGER);
				CREATE TEMPORARY VIEW scratch_view AS SELECT 1;
				CREATE TABLE temp.other_scratch (id INTEGER);
				CREATE TABLE archive.old_note (id INTEGER);
				""";
		assertThat(SchemaObject.createdBy(script)).isEmpty();
	}

	@Test
	void aDataScriptCreatesNothing() {
		assertThat(SchemaObject.createdBy("INSERT INTO note (body) VALUES ('kiwi');")).isEmpty();
	}

}
