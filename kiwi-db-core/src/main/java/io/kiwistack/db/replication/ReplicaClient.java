package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Storage for a replica: a few listings and whole-object reads, writes and deletes. Objects are
 * immutable once written, and a write is all or nothing: a reader never sees half an object. Paths
 * are relative, '/'-separated, as {@link ReplicaLayout} names them.
 */
public interface ReplicaClient extends AutoCloseable {

	/** Where this replica lives, without secrets, for messages. */
	String describe();

	/** The generations in the replica, in no particular order. */
	List<String> generations() throws IOException;

	/** The snapshots of one generation, in index order. */
	List<SnapshotInfo> snapshots(String generation) throws IOException;

	/** The log segments of one generation, in index then offset order. */
	List<WalSegmentInfo> walSegments(String generation) throws IOException;

	/**
	 * The log segments of one generation from log index {@code fromIndex} on, in order: what a
	 * read replica polls for, so a store that can start a listing part-way should.
	 */
	default List<WalSegmentInfo> walSegments(String generation, long fromIndex) throws IOException {
		return walSegments(generation).stream().filter((segment) -> segment.index() >= fromIndex).toList();
	}

	/** Write an object whole; durable when this returns. */
	void write(String path, byte[] content) throws IOException;

	/**
	 * Write an object whole as {@code content} streams it, for objects too big to hold in memory (a
	 * snapshot), without staging it on the local disk: durable when this returns. When
	 * {@code content} or the write fails, no object appears at {@code path}.
	 */
	void write(String path, StreamedContent content) throws IOException;

	/**
	 * Remove what interrupted streamed writes left behind (temporary files, unfinished uploads).
	 * Only the primary that holds the replica's claim calls this: no write of its own is under way,
	 * and no other node writes.
	 * @return how many were removed
	 */
	default int removeAbandonedWrites() throws IOException {
		return 0;
	}

	/** The names of the objects directly in {@code folder} (a path ending in '/'), in no particular order. */
	List<String> names(String folder) throws IOException;

	/**
	 * Create an object only if none exists at {@code path}, atomically: two callers racing never
	 * both succeed.
	 * @return the new object's version, or {@code null} when one existed already
	 */
	String createIfAbsent(String path, byte[] content) throws IOException;

	/**
	 * Replace an object only if it still has {@code version}, atomically.
	 * @return the new version, or {@code null} when the object had changed or vanished
	 */
	String replaceIfVersion(String path, byte[] content, String version) throws IOException;

	/** Read an object with its version, or {@code null} when it does not exist. */
	VersionedObject readVersioned(String path) throws IOException;

	/** Open an object for reading. */
	InputStream open(String path) throws IOException;

	/** Whether an object exists. */
	boolean exists(String path) throws IOException;

	/** Delete objects; missing ones are ignored. */
	void delete(List<String> paths) throws IOException;

	/** Delete a generation and everything in it. */
	void deleteGeneration(String generation) throws IOException;

	@Override
	default void close() throws IOException {
	}

	/** An object's content, written to a stream. */
	@FunctionalInterface
	interface StreamedContent {

		void writeTo(OutputStream out) throws IOException;

	}

}
