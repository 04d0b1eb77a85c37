package io.kiwistack.db.replication;

import java.time.Instant;
import java.util.List;

/**
 * What a restore applies: one generation's snapshot and the log segments after it, in order.
 *
 * @param generation the generation restored from
 * @param snapshot the snapshot it starts from
 * @param segments the segments to apply, in index then offset order
 * @param updatedAt when the newest of those objects was written
 */
record RestorePlan(String generation, SnapshotInfo snapshot, List<WalSegmentInfo> segments, Instant updatedAt) {
}
