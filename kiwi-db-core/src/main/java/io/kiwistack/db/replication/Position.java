package io.kiwistack.db.replication;

/**
 * A place in a replica's history: the generation, the index of the write-ahead log within it
 * (one per restart of SQLite's log), and the byte offset within that log shipped so far.
 *
 * @param generation the generation, 16 hex digits
 * @param index the log index within the generation
 * @param offset bytes of that log shipped, WAL header included
 */
public record Position(String generation, long index, long offset) {

	@Override
	public String toString() {
		return this.generation + "/" + ReplicaLayout.hex8(this.index) + ":" + ReplicaLayout.hex8(this.offset);
	}

}
