package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh directory per trial for the database files, deleted with everything in it afterwards. */
final class TempDatabaseDirectory implements AutoCloseable {

	private final Path path;

	private TempDatabaseDirectory(Path path) {
		this.path = path;
	}

	static TempDatabaseDirectory create(String name) {
		try {
			return new TempDatabaseDirectory(Files.createTempDirectory("kiwi-db-bench-" + name + "-"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Path path() {
		return this.path;
	}

	Path resolve(String file) {
		return this.path.resolve(file);
	}

	@Override
	public void close() {
		if (!Files.exists(this.path)) {
			return;
		}
		try (Stream<Path> files = Files.walk(this.path)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
