package io.kiwistack.db.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link SqliteDataSourceUrlException}: kiwi-db takes the file from
 * {@code kiwi.db.path}, and {@code kiwi.db.enabled=false} hands the URL back to Boot.
 */
class SqliteDataSourceUrlFailureAnalyzer extends AbstractFailureAnalyzer<SqliteDataSourceUrlException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SqliteDataSourceUrlException cause) {
		String description = "Property 'spring.datasource.url' is set to '" + cause.url() + "', a SQLite database. "
				+ "kiwi-db opens the application's SQLite database itself, from kiwi.db.path, with one writer "
				+ "connection and its own pragmas, so it would ignore the URL.";
		String action = "Remove spring.datasource.url and set kiwi.db.path=" + cause.path() + " instead. "
				+ "To have Boot build a connection pool from the URL without kiwi-db, set kiwi.db.enabled=false.";
		return new FailureAnalysis(description, action, cause);
	}

}
