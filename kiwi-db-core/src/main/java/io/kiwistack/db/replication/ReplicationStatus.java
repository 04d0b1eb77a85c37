package io.kiwistack.db.replication;

import java.time.Duration;
import java.time.Instant;

/**
 * Where replication stands.
 *
 * @param replica the replica, without secrets
 * @param position how far the log has been shipped; {@code null} before the first generation
 * @param lastSuccessfulSync when a sync last succeeded; {@code null} before the first
 * @param pendingBytes committed log bytes not shipped yet (counted in the first 4 MiB of backlog)
 * @param pendingTransactions committed transactions not shipped yet
 * @param transactionsShipped transactions shipped since start
 * @param lastError the last sync's error, {@code null} when it succeeded
 * @param failingSince when syncs started failing, {@code null} when the last one succeeded
 * @param longestCheckpointBarrier the longest time a checkpoint held writers back since start
 * @param writesRefused why this node acknowledges no commits now (it lost its claim on the
 * replica, or could not renew it in time); {@code null} while it does
 */
public record ReplicationStatus(String replica, Position position, Instant lastSuccessfulSync, long pendingBytes,
		int pendingTransactions, long transactionsShipped, String lastError, Instant failingSince,
		Duration longestCheckpointBarrier, String writesRefused) {
}
