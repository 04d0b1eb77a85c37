package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

import io.kiwistack.db.TemporaryFiles;

/**
 * Who this node is to the replica, across its restarts: a random id kept in a small file beside
 * the database ({@code <database>-node-id}, owner-only). A primary that crashed and comes back on
 * its own file finds its own claim on the replica under this id and takes it again at once,
 * instead of waiting for it to expire; a process id would differ after every restart.
 */
final class NodeIdentity {

	private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private NodeIdentity() {
	}

	static Path file(Path database) {
		Path absolute = database.toAbsolutePath().normalize();
		return absolute.resolveSibling(absolute.getFileName() + "-node-id");
	}

	/** This node's id, created on first use. */
	static String of(Path database) throws IOException {
		String existing = read(database);
		if (existing != null) {
			return existing;
		}
		Path file = file(database);
		Path temporary = TemporaryFiles.create(file, "node-id");
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				channel.write(ByteBuffer.wrap((UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII)));
				channel.force(true);
			}
			// A link fails when the file exists: two starts racing agree on the first one's id.
			Files.createLink(file, temporary);
		}
		catch (FileAlreadyExistsException ex) {
			// Someone else's id won; use it.
		}
		finally {
			Files.deleteIfExists(temporary);
		}
		String id = read(database);
		if (id == null) {
			throw new IOException("The node id file " + file + " could not be written");
		}
		return id;
	}

	/** This node's id, or {@code null} when it has none yet. */
	static String read(Path database) throws IOException {
		Path file = file(database);
		if (!Files.isRegularFile(file)) {
			return null;
		}
		String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
		if (!ID.matcher(id).matches()) {
			throw new IOException("The node id file " + file + " does not hold a node id; move it away, and kiwi-db "
					+ "writes a new one (this node then waits for its old claim on the replica to expire)");
		}
		return id;
	}

}
