package io.kiwistack.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates files and directories owner-only ({@code rw-------} and {@code rwx------}) where the
 * file system has POSIX permissions, and with its defaults where it has none: a replica, a
 * restored copy or a record beside a database is as private as the database. The mode is given
 * as the file is created, never set after, so no other user can open it in between; the
 * process's umask can only take more away. What exists already keeps its mode: a directory such
 * as {@code /var/lib} belongs to whoever made it.
 */
public final class OwnerOnlyFiles {

	private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

	private static final FileAttribute<?>[] DIRECTORY = {
			PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")) };

	private static final FileAttribute<?>[] FILE = {
			PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) };

	private OwnerOnlyFiles() {
	}

	/**
	 * Create {@code directory} and its missing parents, each owner-only; the ones that exist are
	 * left as they are.
	 * @return the directory
	 */
	public static Path createDirectories(Path directory) throws IOException {
		return Files.createDirectories(directory, directoryAttributes(directory));
	}

	/**
	 * Create a new, empty, owner-only file.
	 * @return the file
	 * @throws java.nio.file.FileAlreadyExistsException when it exists
	 */
	public static Path createFile(Path file) throws IOException {
		return Files.createFile(file, fileAttributes(file));
	}

	/** The attributes that make a directory created at {@code path} owner-only (none where there are no POSIX permissions). */
	public static FileAttribute<?>[] directoryAttributes(Path path) {
		return posix(path) ? DIRECTORY.clone() : NONE;
	}

	/**
	 * The attributes that make a file created at {@code path} owner-only, for the ways of creating
	 * one that take them ({@code FileChannel.open} with {@code CREATE}, say).
	 */
	public static FileAttribute<?>[] fileAttributes(Path path) {
		return posix(path) ? FILE.clone() : NONE;
	}

	private static boolean posix(Path path) {
		return path.getFileSystem().supportedFileAttributeViews().contains("posix");
	}

}
