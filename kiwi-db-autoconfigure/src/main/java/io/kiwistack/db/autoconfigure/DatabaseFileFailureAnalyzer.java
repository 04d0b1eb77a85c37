package io.kiwistack.db.autoconfigure;

import io.kiwistack.db.DamagedDatabaseException;
import io.kiwistack.db.DatabaseFileException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link DatabaseFileException}: which file, what is wrong with it, and that
 * {@code kiwi.db.path} chooses another.
 */
class DatabaseFileFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DatabaseFileException cause) {
		if (cause instanceof DamagedDatabaseException) {
			// Another file is no way out for a damaged database: DamagedDatabaseFailureAnalyzer says what is.
			return null;
		}
		String description = "The kiwi-db database file '" + cause.file() + "' (property kiwi.db.path) can't be used: "
				+ cause.problem() + ". Nothing was created or changed.";
		String action = cause.fix() + ". Or set kiwi.db.path to another file.";
		return new FailureAnalysis(description, action, cause);
	}

}
