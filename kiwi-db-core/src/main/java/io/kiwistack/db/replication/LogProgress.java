package io.kiwistack.db.replication;

/**
 * How far one generation's log has been read or shipped, with what continuing it needs: the log's
 * header (its salts and page size) and the running checksum after the last commit. Immutable:
 * whoever moves on replaces it whole, so another thread reading it never sees half a move.
 *
 * @param generation the generation
 * @param index the log index within it
 * @param offset bytes of that log so far, WAL header included; 0 before its header
 * @param header the log's header, {@code null} before it was read
 * @param checksum the running checksum after the last commit frame, {@code null} before the header
 */
record LogProgress(String generation, long index, long offset, WalHeader header, WalChecksum checksum) {

	/** The start of log {@code index} of {@code generation}: nothing of it read yet. */
	static LogProgress start(String generation, long index) {
		return new LogProgress(generation, index, 0, null, null);
	}

	/** The same place, with the log's header read (and nothing past it yet). */
	LogProgress withHeader(WalHeader header) {
		return new LogProgress(this.generation, this.index, this.offset, header, header.checksum());
	}

	/** {@code length} more bytes, whose last commit left the running checksum at {@code checksumAtCommit}. */
	LogProgress advancedBy(long length, WalChecksum checksumAtCommit) {
		return new LogProgress(this.generation, this.index, this.offset + length, this.header, checksumAtCommit);
	}

	/** The start of the next log index, after SQLite restarted the log. */
	LogProgress nextIndex() {
		return start(this.generation, this.index + 1);
	}

	/** Whole frames past the log's header. */
	long frames() {
		return (this.header != null && this.offset > WalHeader.SIZE)
				? (this.offset - WalHeader.SIZE) / this.header.frameSize() : 0;
	}

	Position position() {
		return new Position(this.generation, this.index, this.offset);
	}

}
