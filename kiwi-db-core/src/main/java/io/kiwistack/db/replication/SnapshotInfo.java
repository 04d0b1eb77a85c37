package io.kiwistack.db.replication;

import java.time.Instant;

/**
 * A snapshot in a replica: a compressed copy of the database file at the start of a log index.
 *
 * @param generation its generation
 * @param index the log index it starts
 * @param size its stored (compressed) size in bytes
 * @param createdAt when it was written
 */
public record SnapshotInfo(String generation, long index, long size, Instant createdAt) {
}
