package io.kiwistack.db.replication;

import java.nio.file.Path;

/**
 * What a restore produced.
 *
 * @param database the restored database file
 * @param position the replica position the database reflects
 * @param snapshot the snapshot it started from
 * @param segments how many log segments were applied on top
 */
public record RestoreResult(Path database, Position position, SnapshotInfo snapshot, int segments) {
}
