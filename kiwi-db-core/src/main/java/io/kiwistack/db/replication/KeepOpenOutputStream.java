package io.kiwistack.db.replication;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Hands a stream to content that closes what it writes to (an LZ4 frame closes its sink): closing
 * this only flushes, so the replica client still decides whether the object is published or
 * dropped. For {@link ReplicaClient} implementations.
 */
public final class KeepOpenOutputStream extends FilterOutputStream {

	/** @param out the stream written to, left open by {@link #close()} */
	public KeepOpenOutputStream(OutputStream out) {
		super(out);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		this.out.write(bytes, offset, length);
	}

	@Override
	public void close() throws IOException {
		flush();
	}

}
