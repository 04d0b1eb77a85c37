package io.kiwistack.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A database file on disk and its {@code -wal} and {@code -shm} companions. {@link #prepare(Path)}
 * checks the file and its directory before SQLite opens anything, and creates what is missing
 * owner-only, so that a wrong path fails with a clear reason instead of a damaged file, and a
 * database that is cut short or has a corrupt header is refused before SQLite reads it.
 */
public final class DatabaseFile {

	private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	private static final int HEADER_SIZE = 100;

	private static final int WAL_HEADER_SIZE = 32;

	private static final int WAL_FRAME_HEADER_SIZE = 24;

	private final Path path;

	private final Path createdDirectory;

	private final boolean createdFile;

	private DatabaseFile(Path path, Path createdDirectory, boolean createdFile) {
		this.path = path;
		this.createdDirectory = createdDirectory;
		this.createdFile = createdFile;
	}

	/**
	 * Check that {@code path} can hold a SQLite database, then create its missing directories (mode
	 * 0700) and an empty file (mode 0600) where the file system has POSIX permissions. Nothing is
	 * created or changed when a check fails.
	 * @param path the database file
	 * @return the prepared file
	 * @throws DatabaseFileException when the path can't be used ({@link DamagedDatabaseException} for a damaged
	 * database)
	 */
	public static DatabaseFile prepare(Path path) {
		Path file = path.toAbsolutePath().normalize();
		if (Files.isDirectory(file)) {
			throw new DatabaseFileException(file, "it is a directory",
					"Point the path at a file inside it, for example " + file.resolve("app.db"));
		}
		Path directory = file.getParent();
		Path existing = nearestExisting(directory);
		if (!Files.isDirectory(existing)) {
			throw new DatabaseFileException(file, existing + " is not a directory",
					"Choose a path whose parent folders are directories");
		}
		if (!Files.isWritable(existing)) {
			throw new DatabaseFileException(file, "directory " + existing + " is not writable",
					"Give the service's user write access to " + existing
							+ " (SQLite creates the -wal and -shm files beside the database) or choose another path");
		}
		if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file)) {
			checkExistingFile(file);
			return new DatabaseFile(file, null, false);
		}
		Path createdDirectory = topmostMissing(directory);
		boolean createdFile = create(file, directory);
		return new DatabaseFile(file, createdDirectory, createdFile);
	}

	/**
	 * Remove what {@link #prepare(Path)} created, when opening the database failed right after: the
	 * new file, its companions and the new directories. A file that was there before is never
	 * touched.
	 */
	public void discardIfCreated() {
		if (!this.createdFile) {
			return;
		}
		try {
			Files.deleteIfExists(walFile());
			Files.deleteIfExists(shmFile());
			Files.deleteIfExists(this.path);
			if (this.createdDirectory != null) {
				for (Path dir = this.path.getParent(); dir != null && dir.startsWith(this.createdDirectory); dir = dir
					.getParent()) {
					Files.deleteIfExists(dir);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not remove the new database file " + this.path, ex);
		}
	}

	/** The database file's absolute path. */
	public Path path() {
		return this.path;
	}

	/** The write-ahead log beside the database. */
	public Path walFile() {
		return sibling("-wal");
	}

	/** The shared-memory index beside the database. */
	public Path shmFile() {
		return sibling("-shm");
	}

	/** The database file's size in bytes, 0 when it is missing. */
	public long size() {
		return sizeOf(this.path);
	}

	/** The write-ahead log's size in bytes, 0 when there is none. */
	public long walSize() {
		return sizeOf(walFile());
	}

	private Path sibling(String suffix) {
		return companion(this.path, suffix);
	}

	private static Path companion(Path file, String suffix) {
		return file.resolveSibling(file.getFileName() + suffix);
	}

	private static Path topmostMissing(Path directory) {
		Path missing = null;
		for (Path candidate = directory; candidate != null && !Files.exists(candidate); candidate = candidate.getParent()) {
			missing = candidate;
		}
		return missing;
	}

	private static Path nearestExisting(Path directory) {
		Path candidate = directory;
		while (candidate != null && !Files.exists(candidate)) {
			candidate = candidate.getParent();
		}
		return (candidate != null) ? candidate : directory.getRoot();
	}

	private static void checkExistingFile(Path file) {
		if (!Files.isRegularFile(file)) {
			throw new DatabaseFileException(file, "it is not a regular file",
					"Point the path at a SQLite database file or at a path where none exists yet");
		}
		if (!Files.isReadable(file) || !Files.isWritable(file)) {
			throw new DatabaseFileException(file, "it can't be read and written by this process",
					"Give the service's user read and write access to the file");
		}
		byte[] header = readHeader(file);
		if (header.length == 0) {
			return;
		}
		String notSqlite = "Point the path at a SQLite database, or move this file away; kiwi-db never overwrites it";
		boolean startsAsSqlite = header.length >= MAGIC.length && Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
		if (header.length < HEADER_SIZE) {
			if (startsAsSqlite) {
				throw new DamagedDatabaseException(file,
						"it is truncated (only " + header.length + " bytes, shorter than a SQLite header)");
			}
			throw new DatabaseFileException(file,
					"it is not a SQLite database (only " + header.length + " bytes, shorter than a SQLite header)",
					notSqlite);
		}
		if (!startsAsSqlite) {
			throw new DatabaseFileException(file,
					"it is not a SQLite database (it does not start with \"SQLite format 3\")", notSqlite);
		}
		String headerProblem = headerProblem(header);
		if (headerProblem != null) {
			throw new DamagedDatabaseException(file, "its SQLite header is corrupt (" + headerProblem + ")");
		}
		String sizeProblem = sizeProblem(file, header);
		if (sizeProblem != null) {
			throw new DamagedDatabaseException(file, sizeProblem);
		}
	}

	private static String sizeProblem(Path file, byte[] header) {
		int pageSize = pageSize(header);
		// SQLite finishes an interrupted checkpoint from the log, or undoes an interrupted commit from
		// the rollback journal, and until then the file may rightly be shorter than its header says.
		// SQLite then makes the same check itself, knowing what the log adds.
		if (sizeOf(companion(file, "-wal")) >= WAL_HEADER_SIZE + WAL_FRAME_HEADER_SIZE + pageSize
				|| sizeOf(companion(file, "-journal")) > 0) {
			return null;
		}
		long size = sizeOf(file);
		long pages = Integer.toUnsignedLong(readInt(header, 28));
		// SQLite versions before 3.7.0 left the page count stale; those files say so by a mismatch.
		boolean pagesValid = readInt(header, 24) == readInt(header, 92);
		if (pagesValid && size < pages * pageSize) {
			return "it is truncated: its header counts " + pages + " pages of " + pageSize + " bytes ("
					+ pages * pageSize + " bytes), but the file has " + size + " bytes";
		}
		if (size % pageSize != 0) {
			return "it is truncated or damaged: its " + size + " bytes are not a whole number of " + pageSize
					+ "-byte pages";
		}
		return null;
	}

	private static int pageSize(byte[] header) {
		int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
		return (pageSize == 1) ? 65536 : pageSize;
	}

	private static int readInt(byte[] header, int offset) {
		return ((header[offset] & 0xff) << 24) | ((header[offset + 1] & 0xff) << 16) | ((header[offset + 2] & 0xff) << 8)
				| (header[offset + 3] & 0xff);
	}

	private static String headerProblem(byte[] header) {
		int pageSize = pageSize(header);
		if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
			return "page size " + pageSize + " is not a power of two from 512 to 65536";
		}
		int writeVersion = header[18];
		int readVersion = header[19];
		if (writeVersion < 1 || writeVersion > 2 || readVersion < 1 || readVersion > 2) {
			return "file format versions " + writeVersion + "/" + readVersion + " are not 1 or 2";
		}
		if (header[21] != 64 || header[22] != 32 || header[23] != 32) {
			return "payload fractions are not 64, 32, 32";
		}
		return null;
	}

	private static byte[] readHeader(Path file) {
		// Through the shared descriptor: another kiwi-db database in this process may have the file open.
		try (HeldOpenFile held = HeldOpenFile.hold(file); InputStream in = held.inputStream()) {
			return in.readNBytes(HEADER_SIZE);
		}
		catch (IOException ex) {
			throw new DatabaseFileException(file, "it can't be read (" + ex.getMessage() + ")",
					"Check the file's permissions and the disk");
		}
	}

	private static boolean create(Path file, Path directory) {
		try {
			OwnerOnlyFiles.createDirectories(directory);
			// Before SQLite opens it: SQLite would create it with its own default mode (0644 less
			// the umask), and gives the -wal and -shm the database's mode.
			OwnerOnlyFiles.createFile(file);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			checkExistingFile(file);
			return false;
		}
		catch (IOException ex) {
			throw new DatabaseFileException(file, "it can't be created (" + ex + ")",
					"Check that the directory is writable and the disk has space");
		}
	}

	private static long sizeOf(Path file) {
		try {
			return Files.size(file);
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public String toString() {
		return this.path.toString();
	}

}
