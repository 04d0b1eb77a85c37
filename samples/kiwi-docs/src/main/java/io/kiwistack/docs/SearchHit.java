package io.kiwistack.docs;

/**
 * A document found by a full-text search.
 *
 * @param id the document's id
 * @param title the document's title
 * @param snippet the best-matching passage, matched terms marked {@code <mark>...</mark>}
 * @param rank the BM25 rank: lower is a better match
 */
public record SearchHit(long id, String title, String snippet, double rank) {
}
