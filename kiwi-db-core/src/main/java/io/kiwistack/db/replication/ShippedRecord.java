package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.kiwistack.db.TemporaryFiles;

/**
 * A primary's record, beside its database ({@code <db>-shipped}), of the generation it ships and,
 * after a clean stop, where shipping ended and the database file's fingerprint then: what the next
 * start needs to resume the generation instead of uploading a new snapshot. Written whole
 * (temporary file, fsync, rename), owner-only.
 *
 * @param generation the generation this file's log is shipped to
 * @param stop where a clean stop left it, {@code null} while running or after a crash
 */
record ShippedRecord(String generation, CleanStop stop) {

	private static final String GENERATION = "generation ";

	private static final String STOPPED = "stopped ";

	/**
	 * A clean stop: everything shipped, the whole log checkpointed into the file.
	 *
	 * @param index the last log index shipped
	 * @param offset where it ended
	 * @param fingerprint the database file's fingerprint after the checkpoint
	 */
	record CleanStop(long index, long offset, String fingerprint) {
	}

	static Path path(Path database) {
		return database.resolveSibling(database.getFileName() + "-shipped");
	}

	/** The record beside {@code database}, {@code null} when there is none or it can't be read. */
	static ShippedRecord read(Path database) throws IOException {
		Path path = path(database);
		if (!Files.exists(path)) {
			return null;
		}
		List<String> lines = Files.readAllLines(path, StandardCharsets.US_ASCII);
		if (lines.isEmpty() || !lines.get(0).startsWith(GENERATION)) {
			return null;
		}
		String generation = lines.get(0).substring(GENERATION.length()).trim();
		CleanStop stop = null;
		if (lines.size() > 1 && lines.get(1).startsWith(STOPPED)) {
			String[] parts = lines.get(1).substring(STOPPED.length()).trim().split(" ", 3);
			if (parts.length == 3) {
				stop = new CleanStop(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
			}
		}
		return new ShippedRecord(generation, stop);
	}

	/**
	 * Write this record beside {@code database} for the next start. One that can't be written (the
	 * disk is full, say) does not stop shipping: the old one is removed instead, and the next start
	 * begins a new generation.
	 */
	void keep(Path database) {
		try {
			write(database);
		}
		catch (IOException ex) {
			System.getLogger(ShippedRecord.class.getName()).log(System.Logger.Level.WARNING, "Could not write "
					+ path(database) + " (" + ex.getMessage() + "); shipping goes on, and the next start begins a new "
					+ "generation");
			try {
				Files.deleteIfExists(path(database));
			}
			catch (IOException deleteFailed) {
				// The record left names a generation and position this file has moved past: the
				// next start finds they don't match, and begins a new generation all the same.
			}
		}
	}

	void write(Path database) throws IOException {
		StringBuilder text = new StringBuilder(GENERATION).append(this.generation).append('\n');
		if (this.stop != null) {
			text.append(STOPPED).append(this.stop.index()).append(' ').append(this.stop.offset()).append(' ')
				.append(this.stop.fingerprint()).append('\n');
		}
		Path target = path(database);
		Path temporary = TemporaryFiles.create(target, "record");
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)));
				channel.force(true);
			}
			Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

}
