package io.kiwistack.db.autoconfigure;

import io.kiwistack.db.DamagedDatabaseException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link DamagedDatabaseException}: which file, how it is damaged, and the way out: move
 * it away and restore the database, from the replica with {@code kiwi.db.replication.restore} or
 * from a backup.
 */
class DamagedDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<DamagedDatabaseException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DamagedDatabaseException cause) {
		String file = cause.file().toString();
		String description = "The kiwi-db database file '" + file + "' (property kiwi.db.path) is damaged: "
				+ cause.problem() + ". kiwi-db did not write to it.";
		String action = "Move '" + file + "' away, together with '" + file + "-wal' and '" + file
				+ "-shm' if they exist (kiwi-db never deletes or repairs a damaged database), then restore the "
				+ "database. With replication on (kiwi.db.replication.enabled=true), "
				+ "kiwi.db.replication.restore=if-missing, the default, restores the missing file from the replica "
				+ "on the next start. Otherwise copy the database back from a backup. To save what is left of the "
				+ "damaged copy, run: sqlite3 <moved file> .recover | sqlite3 <new file>.";
		return new FailureAnalysis(description, action, cause);
	}

}
