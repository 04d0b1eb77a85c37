package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Small file helpers for replication tests: listing a directory tree, copying a replica so that a
 * test can damage its own copy, and flipping bytes.
 */
final class ReplicaFiles {

	private ReplicaFiles() {
	}

	/**
	 * Every regular file under {@code root}, as sorted '/'-separated relative paths; retried when
	 * a writer renames a file away during the walk.
	 */
	static List<String> list(Path root) throws IOException {
		for (int attempt = 1;; attempt++) {
			if (!Files.exists(root)) {
				return List.of();
			}
			try (Stream<Path> paths = Files.walk(root)) {
				return paths.filter(Files::isRegularFile)
					.map((path) -> root.relativize(path).toString().replace('\\', '/'))
					.sorted()
					.toList();
			}
			catch (UncheckedIOException | NoSuchFileException ex) {
				if (attempt == 10) {
					throw ex;
				}
			}
		}
	}

	/** Every entry (files and directories) directly or indirectly under {@code root}, sorted. */
	static List<String> listAll(Path root) throws IOException {
		if (!Files.exists(root)) {
			return List.of();
		}
		try (Stream<Path> paths = Files.walk(root)) {
			return paths.filter((path) -> !path.equals(root))
				.map((path) -> root.relativize(path).toString().replace('\\', '/'))
				.sorted()
				.toList();
		}
	}

	/** Copy the tree at {@code from} to {@code to}, keeping modification times. */
	static Path copy(Path from, Path to) throws IOException {
		List<Path> sources;
		try (Stream<Path> paths = Files.walk(from)) {
			sources = new ArrayList<>(paths.toList());
		}
		for (Path source : sources) {
			Path target = to.resolve(from.relativize(source).toString());
			if (Files.isDirectory(source)) {
				Files.createDirectories(target);
			}
			else {
				Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
		return to;
	}

	/** Flip every bit of the byte at {@code position} of {@code file}, keeping its modification time. */
	static void flipByte(Path file, long position) throws IOException {
		byte[] bytes = Files.readAllBytes(file);
		bytes[(int) position] ^= (byte) 0xff;
		rewrite(file, bytes);
	}

	/** Replace the content of {@code file}, keeping its modification time, as damage would. */
	static void rewrite(Path file, byte[] content) throws IOException {
		FileTime modified = Files.getLastModifiedTime(file);
		Files.write(file, content);
		Files.setLastModifiedTime(file, modified);
	}

}
