package io.kiwistack.db.autoconfigure.replication;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ReplicaUnreachableException}: which replica could not be read, why, and the
 * settings that decide how kiwi-db reaches it.
 */
class ReplicaUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaUnreachableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReplicaUnreachableException cause) {
		String description = "kiwi-db could not read its replica " + cause.replica()
				+ " (property kiwi.db.replication.url) to make the database file " + cause.database()
				+ " ready on startup: " + cause.getCause().getMessage() + ". Nothing was written to "
				+ cause.database() + ".";
		String action = "Check that this node can reach and read the replica, then start again. For s3:// the "
				+ "bucket and path, kiwi.db.replication.s3.endpoint, kiwi.db.replication.s3.region and the "
				+ "credentials (kiwi.db.replication.s3.access-key-id and kiwi.db.replication.s3.secret-access-key, "
				+ "or the AWS SDK's default credentials); for file: the directory and its permissions.";
		return new FailureAnalysis(description, action, cause);
	}

}
