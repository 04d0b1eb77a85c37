package io.kiwistack.db.replication;

import java.time.Instant;

/**
 * A write-ahead log segment in a replica: the compressed bytes of one log index from
 * {@code offset} on, ending at a commit.
 *
 * @param generation its generation
 * @param index the log index
 * @param offset the byte offset within that log where the segment starts
 * @param size its stored (compressed) size in bytes
 * @param createdAt when it was written: the time its last transaction was shipped
 */
public record WalSegmentInfo(String generation, long index, long offset, long size, Instant createdAt) {

	Position position() {
		return new Position(this.generation, this.index, this.offset);
	}

	/** Where the segment is in the replica. */
	String path() {
		return ReplicaLayout.walSegmentPath(this.generation, this.index, this.offset);
	}

}
