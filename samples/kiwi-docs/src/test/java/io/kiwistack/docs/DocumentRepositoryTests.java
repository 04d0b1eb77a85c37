package io.kiwistack.docs;

import java.time.Instant;
import java.util.List;

import io.kiwistack.db.test.KiwiDbTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Docs' repository and full-text search on a fresh kiwi-db database: only the database, the
 * Spring Data JDBC repositories and the search under test are loaded, and every test is rolled back.
 */
@KiwiDbTest
@Import(DocumentSearch.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentRepositoryTests {

	private static final Instant NOON = Instant.parse("2026-01-01T12:00:00Z");

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DocumentRepository documents;

	@Autowired
	DocumentSearch search;

	@Test
	void noWebLayerOrServicesAreLoaded() {
		assertThat(this.context).isNotInstanceOf(WebApplicationContext.class);
		assertThat(this.context.getBeanNamesForAnnotation(RestController.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DocumentController.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DocumentService.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DispatcherServlet.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RequestMappingHandlerMapping.class)).isEmpty();
	}

	@Test
	void theMigrationsCreatedTheTableItsSearchIndexAndTheTriggersThatKeepItInStep() {
		assertThat(this.jdbc.sql("SELECT version FROM flyway_schema_history WHERE success = 1")
			.query(String.class)
			.list()).containsExactly("1");
		assertThat(this.jdbc.sql("SELECT name FROM sqlite_schema WHERE type IN ('table', 'trigger') ORDER BY name")
			.query(String.class)
			.list()).contains("documents", "documents_fts", "documents_fts_delete", "documents_fts_insert",
					"documents_fts_update");
	}

	@Test
	@Order(1)
	void aDocumentSavedInOneTest() {
		Document saved = this.documents.save(document("Planting kiwis", "Late spring.", NOON));

		assertThat(saved.id()).isPositive();
		assertThat(saved.version()).isZero();
		assertThat(this.documents.findById(saved.id())).contains(saved);
		assertThat(this.search.search("kiwis", 10)).hasSize(1);
	}

	@Test
	@Order(2)
	void isGoneInTheNextWithItsSearchEntry() {
		assertThat(this.documents.count()).isZero();
		assertThat(this.search.search("kiwis", 10)).isEmpty();
	}

	@Test
	void recentDocumentsComePageByPage() {
		Document oldest = this.documents.save(document("One", "", NOON));
		Document middle = this.documents.save(document("Two", "", NOON.plusSeconds(60)));
		Document newest = this.documents.save(document("Three", "", NOON.plusSeconds(120)));
		Sort recentFirst = Sort.by(Sort.Order.desc("updatedAt"));

		assertThat(this.documents.findAll(PageRequest.of(0, 2, recentFirst))).containsExactly(newest, middle);
		assertThat(this.documents.findAll(PageRequest.of(1, 2, recentFirst))).containsExactly(oldest);
	}

	@Test
	void aMatchInTheTitleOutranksOneInTheBody() {
		Document body = this.documents.save(document("Orchard notes", "The vine by the gate is a kiwi.", NOON));
		Document title = this.documents.save(document("Kiwi", "Notes on the orchard.", NOON));
		this.documents.save(document("Apples", "No match here.", NOON));

		List<SearchHit> hits = this.search.search("kiwi", 10);

		assertThat(hits).extracting(SearchHit::id).containsExactly(title.id(), body.id());
		assertThat(hits).extracting(SearchHit::snippet)
			.containsExactly("<mark>Kiwi</mark>", "The vine by the gate is a <mark>kiwi</mark>.");
	}

	@Test
	void theSearchIndexFollowsUpdatesAndDeletes() {
		Document document = this.documents.save(document("Pruning", "Cut back in winter.", NOON));
		Document renamed = this.documents
			.save(new Document(document.id(), "Pruning", "Cut back after harvest.", "", NOON, document.version()));

		assertThat(this.search.search("winter", 10)).isEmpty();
		assertThat(this.search.search("harvest", 10)).extracting(SearchHit::id).containsExactly(document.id());

		this.documents.delete(renamed);

		assertThat(this.search.search("harvest", 10)).isEmpty();
	}

	private static Document document(String title, String body, Instant updatedAt) {
		return new Document(null, title, body, "", updatedAt, null);
	}

}
