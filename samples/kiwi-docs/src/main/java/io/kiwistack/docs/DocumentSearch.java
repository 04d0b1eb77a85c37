package io.kiwistack.docs;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Full-text search over the documents with SQLite FTS5: the {@code documents_fts} index, which
 * triggers keep in step with the {@code documents} table, ranked by BM25 with a match in the title
 * worth ten in the body and one in the tags five.
 */
@Repository
public class DocumentSearch {

	private static final String SEARCH = """
			SELECT d.id, d.title,
			       snippet(documents_fts, -1, '<mark>', '</mark>', '…', 16) AS snippet,
			       bm25(documents_fts, 10.0, 1.0, 5.0) AS rank
			FROM documents_fts
			JOIN documents d ON d.id = documents_fts.rowid
			WHERE documents_fts MATCH :query
			ORDER BY rank, d.id
			LIMIT :limit
			""";

	private final JdbcClient jdbc;

	public DocumentSearch(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The documents that contain every word of {@code text} (in any form the Porter stemmer maps to
	 * the same stem), best match first.
	 * @param text words as a person types them; FTS5 query syntax in it is taken literally
	 * @param limit the most hits to return
	 * @return the hits, best first
	 */
	public List<SearchHit> search(String text, int limit) {
		return this.jdbc.sql(SEARCH)
			.param("query", matchExpression(text))
			.param("limit", limit)
			.query((rs, rowNum) -> new SearchHit(rs.getLong("id"), rs.getString("title"), rs.getString("snippet"),
					rs.getDouble("rank")))
			.list();
	}

	static String matchExpression(String text) {
		return Arrays.stream(text.trim().split("\\s+"))
			.map((word) -> '"' + word.replace("\"", "\"\"") + '"')
			.collect(Collectors.joining(" "));
	}

}
