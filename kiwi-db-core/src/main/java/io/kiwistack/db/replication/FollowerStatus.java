package io.kiwistack.db.replication;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a read replica stands.
 *
 * @param replica the replica it follows, without secrets
 * @param position how far it has applied; {@code null} before anything was
 * @param newestTransactionAt when the newest transaction it applied was shipped by the primary
 * @param lag how far behind it may be: the time since it last found itself caught up
 * @param lastError the last poll's error, {@code null} when it succeeded
 * @param failingSince when polls started failing, {@code null} when the last one succeeded
 */
public record FollowerStatus(String replica, Position position, Instant newestTransactionAt, Duration lag,
		String lastError, Instant failingSince) {
}
