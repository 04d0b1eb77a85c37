package io.kiwistack.db.replication;

import java.time.Instant;

/**
 * Running totals of a primary's replication since it started, for metrics.
 *
 * @param bytesShipped compressed bytes written to the replica as log segments
 * @param segmentsShipped log segments written
 * @param failedSyncs syncs that failed
 * @param transactionsShipped transactions shipped
 * @param lastSuccessfulSync when a sync last succeeded; {@code null} before the first
 * @param failingSince when syncs started failing, {@code null} when the last one succeeded
 */
public record ReplicationCounters(long bytesShipped, long segmentsShipped, long failedSyncs, long transactionsShipped,
		Instant lastSuccessfulSync, Instant failingSince) {
}
