package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.kiwistack.db.replication.ReplicaLayout;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * Counts the transactions a directory replica's log segments hold, by reading them: what a tool
 * that ships segments (Litestream) has shipped, seen from its replica alone. A segment is the log's
 * bytes from an offset on, LZ4-framed; the one at offset 0 starts with the 32-byte log header. Every
 * frame whose header carries a database size ends a transaction.
 */
final class ShippedSegments {

	private static final int WAL_HEADER_BYTES = 32;

	private static final int FRAME_HEADER_BYTES = 24;

	private final Path replica;

	private final int pageSize;

	private final Set<Path> counted = new HashSet<>();

	private final Set<String> generations = new HashSet<>();

	private long commits;

	ShippedSegments(Path replica, int pageSize) {
		this.replica = replica;
		this.pageSize = pageSize;
	}

	/** The transactions in every segment written so far, over all generations. */
	long commits() throws IOException {
		for (Path generation : list(this.replica.resolve(ReplicaLayout.GENERATIONS))) {
			this.generations.add(generation.getFileName().toString());
			for (Path segment : list(generation.resolve("wal"))) {
				long[] position = ReplicaLayout.parseWalSegment(segment.getFileName().toString());
				if (position == null || this.counted.contains(segment)) {
					continue;
				}
				Long found = commitsIn(segment, position[1] == 0);
				if (found != null) {
					this.commits += found;
					this.counted.add(segment);
				}
			}
		}
		return this.commits;
	}

	/** How many generations the replica has had: more than one means a restart of the log's history. */
	int generations() {
		return this.generations.size();
	}

	/** Whether a first snapshot is there. */
	boolean hasSnapshot() throws IOException {
		for (Path generation : list(this.replica.resolve(ReplicaLayout.GENERATIONS))) {
			if (!list(generation.resolve("snapshots")).isEmpty()) {
				return true;
			}
		}
		return false;
	}

	/** The commit frames in one segment, or null while it can't be read whole yet. */
	private Long commitsIn(Path segment, boolean startsWithHeader) {
		byte[] log;
		try (InputStream in = new LZ4FrameInputStream(Files.newInputStream(segment))) {
			log = in.readAllBytes();
		}
		catch (IOException ex) {
			// Still being written (or renamed away): the next poll reads it.
			return null;
		}
		int frame = FRAME_HEADER_BYTES + this.pageSize;
		int from = startsWithHeader ? WAL_HEADER_BYTES : 0;
		if ((log.length - from) % frame != 0) {
			throw new IllegalStateException(segment + " holds " + log.length + " bytes, not whole frames of " + frame);
		}
		ByteBuffer bytes = ByteBuffer.wrap(log);
		long commits = 0;
		for (int at = from; at < log.length; at += frame) {
			// The frame header's second word: the database size in pages after a commit, else 0.
			if (bytes.getInt(at + 4) != 0) {
				commits++;
			}
		}
		return commits;
	}

	private static List<Path> list(Path directory) throws IOException {
		try (Stream<Path> entries = Files.list(directory)) {
			return entries.toList();
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
	}

}
