package io.kiwistack.db.autoconfigure.replication;

import io.kiwistack.db.replication.ReplicaKeyException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link StartupRestoreException}: what in the replica stopped the restore, that the
 * database file was not created, and the ways on; for age keys that don't fit the replica, the
 * setting to change instead.
 */
class StartupRestoreFailureAnalyzer extends AbstractFailureAnalyzer<StartupRestoreException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StartupRestoreException cause) {
		String description = "kiwi-db could not restore the missing database file " + cause.database()
				+ " from its replica " + cause.replica() + " (property kiwi.db.replication.url): "
				+ cause.getCause().getMessage() + ". Nothing was written to " + cause.database()
				+ ", and the service did not start empty over a replica that holds data.";
		if (cause.getCause() instanceof ReplicaKeyException keys) {
			return new FailureAnalysis(description, keys.action(), cause);
		}
		String action = "Repair the replica (the object named above), then start again. To restore an older "
				+ "generation instead and lose the newest one's transactions, set "
				+ "kiwi.db.replication.allow-older-generation=true. To give up the replica's data and start "
				+ "empty, point kiwi.db.replication.url at a new location.";
		return new FailureAnalysis(description, action, cause);
	}

}
