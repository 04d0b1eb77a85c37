package io.kiwistack.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The temporary files kiwi-db stages beside a database (a restore being built, a read replica's
 * next generation, a small state file being replaced). Each is named
 * {@code .<file>.kiwi-<purpose>-<uuid>.tmp}, owner-only, so that one a crash left behind is
 * recognisably ours, and {@link #removeLeftovers(Path)} removes exactly those at the next start.
 */
public final class TemporaryFiles {

	private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

	/** SQLite's companions of a temporary database that was opened. */
	private static final String COMPANIONS = "(-wal|-shm|-journal)?";

	private TemporaryFiles() {
	}

	/**
	 * The name of a new temporary file beside {@code file}, not created yet.
	 * @param purpose a short lower-case word: what the file is for
	 */
	public static Path name(Path file, String purpose) {
		Path absolute = file.toAbsolutePath().normalize();
		return absolute.resolveSibling("." + absolute.getFileName() + ".kiwi-" + purpose + "-" + UUID.randomUUID() + ".tmp");
	}

	/** Create a new, empty, owner-only temporary file beside {@code file}. */
	public static Path create(Path file, String purpose) throws IOException {
		return OwnerOnlyFiles.createFile(name(file, purpose));
	}

	/**
	 * Remove the temporary files that kiwi-db left beside {@code database} when it was killed: only
	 * files named as kiwi-db names them, for this database (and the names earlier versions used:
	 * {@code .<file>.restore-<uuid>}, {@code .<file>.follow-<uuid>}, {@code .<file><digits>.snapshot.lz4}).
	 * Call it before anything of kiwi-db's runs on the database.
	 * @return the files removed
	 */
	public static List<Path> removeLeftovers(Path database) {
		Path absolute = database.toAbsolutePath().normalize();
		Path directory = absolute.getParent();
		String name = Pattern.quote(absolute.getFileName().toString());
		Pattern ours = Pattern.compile("\\." + name + "(-[a-z-]+)?\\.kiwi-[a-z-]+-" + UUID_PATTERN + "\\.tmp" + COMPANIONS
				+ "|\\." + name + "\\.(restore|follow)-" + UUID_PATTERN + COMPANIONS
				+ "|\\." + name + "-follower\\." + UUID_PATTERN
				+ "|\\." + name + "[0-9]+\\.snapshot\\.lz4");
		List<Path> removed = new ArrayList<>();
		if (directory == null || !Files.isDirectory(directory)) {
			return removed;
		}
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory,
				(entry) -> ours.matcher(entry.getFileName().toString()).matches() && Files.isRegularFile(entry))) {
			for (Path entry : entries) {
				if (Files.deleteIfExists(entry)) {
					removed.add(entry);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return removed;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not remove kiwi-db's temporary files beside " + absolute, ex);
		}
		return removed;
	}

}
