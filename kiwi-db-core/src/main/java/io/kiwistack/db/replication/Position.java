package io.kiwistack.db.replication;

/**
 * A place in a replica's history: the generation, the index of the write-ahead log within it
 * (one per restart of SQLite's log), and the byte offset within that log shipped so far. Its text
 * form ({@link #toString()}, read back by {@link #parse}) is what travels to clients as the
 * position of their last write.
 *
 * @param generation the generation, 16 hex digits
 * @param index the log index within the generation
 * @param offset bytes of that log shipped, WAL header included
 */
public record Position(String generation, long index, long offset) {

	/**
	 * The position {@code text} names, as {@link #toString()} writes it.
	 * @throws IllegalArgumentException when it names none
	 */
	public static Position parse(String text) {
		int slash = text.indexOf('/');
		int colon = text.indexOf(':', slash + 1);
		if (slash != 16 || colon < slash + 2 || colon == text.length() - 1 || colon - slash > 17
				|| text.length() - colon > 17) {
			throw new IllegalArgumentException("Not a kiwi-db position: " + text);
		}
		String generation = text.substring(0, slash);
		if (!ReplicaLayout.isGeneration(generation)) {
			throw new IllegalArgumentException("Not a kiwi-db position: " + text);
		}
		try {
			return new Position(generation, Long.parseLong(text.substring(slash + 1, colon), 16),
					Long.parseLong(text.substring(colon + 1), 16));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a kiwi-db position: " + text, ex);
		}
	}

	/** Whether this position is {@code other} or past it in the same generation; never across generations. */
	public boolean reaches(Position other) {
		return this.generation.equals(other.generation)
				&& (this.index > other.index || (this.index == other.index && this.offset >= other.offset));
	}

	@Override
	public String toString() {
		return this.generation + "/" + ReplicaLayout.hex8(this.index) + ":" + ReplicaLayout.hex8(this.offset);
	}

}
