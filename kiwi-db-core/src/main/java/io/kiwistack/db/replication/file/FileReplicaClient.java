package io.kiwistack.db.replication.file;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.kiwistack.db.OwnerOnlyFiles;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaLayout;
import io.kiwistack.db.replication.SnapshotInfo;
import io.kiwistack.db.replication.WalSegmentInfo;
import io.kiwistack.db.replication.VersionedObject;
import io.kiwistack.db.replication.KeepOpenOutputStream;

/**
 * A replica in a local directory, for example a mounted volume. Every object is written to a
 * temporary file, synced, and renamed into place, and the directory is synced after, so a crash
 * leaves either the whole object or none of it. What the client creates, directories and files, is
 * owner-only (where the file system has POSIX permissions): a replica holds the whole database.
 */
public final class FileReplicaClient implements ReplicaClient {

	/** {@code .<object name>.<UUID>.tmp}: the temporary files writes are staged in. */
	private static final Pattern TEMPORARY_NAME = Pattern
		.compile("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

	/** {@code .<object name>.lock}: the lock files of conditional replaces, which are not objects. */
	private static final Pattern LOCK_NAME = Pattern.compile("\\..+\\.lock");

	/**
	 * The lock of each lock file this JVM holds or waits for. A {@link FileLock} is held by the
	 * whole process: a second thread asking for one that is held fails with
	 * {@link java.nio.channels.OverlappingFileLockException} instead of waiting, so threads (and
	 * clients on the same directory) take turns here first, and the file lock keeps other
	 * processes out.
	 */
	private static final ConcurrentHashMap<Path, Object> processLocks = new ConcurrentHashMap<>();

	private final Path root;

	/** The attributes of new directories and files: owner-only, or none where permissions aren't POSIX. */
	private final FileAttribute<?>[] directoryAttributes;

	private final FileAttribute<?>[] fileAttributes;

	public FileReplicaClient(Path root) {
		this.root = root.toAbsolutePath().normalize();
		this.directoryAttributes = OwnerOnlyFiles.directoryAttributes(this.root);
		this.fileAttributes = OwnerOnlyFiles.fileAttributes(this.root);
	}

	/** The replica's root directory. */
	public Path root() {
		return this.root;
	}

	@Override
	public String describe() {
		return "file:" + this.root;
	}

	@Override
	public List<String> generations() throws IOException {
		List<String> generations = new ArrayList<>();
		for (Path entry : list(this.root.resolve(ReplicaLayout.GENERATIONS))) {
			String name = entry.getFileName().toString();
			if (ReplicaLayout.isGeneration(name) && Files.isDirectory(entry)) {
				generations.add(name);
			}
		}
		return generations;
	}

	@Override
	public List<SnapshotInfo> snapshots(String generation) throws IOException {
		List<SnapshotInfo> snapshots = new ArrayList<>();
		for (Path entry : list(generationDir(generation).resolve("snapshots"))) {
			long index = ReplicaLayout.parseSnapshot(entry.getFileName().toString());
			if (index >= 0) {
				BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
				snapshots.add(new SnapshotInfo(generation, index, attributes.size(),
						attributes.lastModifiedTime().toInstant()));
			}
		}
		snapshots.sort(Comparator.comparingLong(SnapshotInfo::index));
		return snapshots;
	}

	@Override
	public List<WalSegmentInfo> walSegments(String generation) throws IOException {
		List<WalSegmentInfo> segments = new ArrayList<>();
		for (Path entry : list(generationDir(generation).resolve("wal"))) {
			long[] indexAndOffset = ReplicaLayout.parseWalSegment(entry.getFileName().toString());
			if (indexAndOffset != null) {
				BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
				segments.add(new WalSegmentInfo(generation, indexAndOffset[0], indexAndOffset[1], attributes.size(),
						attributes.lastModifiedTime().toInstant()));
			}
		}
		segments.sort(Comparator.comparingLong(WalSegmentInfo::index).thenComparingLong(WalSegmentInfo::offset));
		return segments;
	}

	@Override
	public void write(String path, byte[] content) throws IOException {
		Path target = resolve(path);
		publish(writeTemporary(target, content), target);
	}

	private Path writeTemporary(Path target, byte[] content) throws IOException {
		Path temporary = prepareTemporary(target);
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			channel.force(true);
		}
		catch (IOException | RuntimeException ex) {
			// A full disk, say: what was written of it is no object, and no one else removes it.
			Files.deleteIfExists(temporary);
			throw ex;
		}
		return temporary;
	}

	@Override
	public void write(String path, StreamedContent content) throws IOException {
		Path target = resolve(path);
		Path temporary = prepareTemporary(target);
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
					OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
				content.writeTo(new KeepOpenOutputStream(out));
				out.flush();
				channel.force(true);
			}
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(temporary);
			throw ex;
		}
		publish(temporary, target);
	}

	/** Every write goes through a temporary file named by {@link #prepareTemporary}: remove those left by a crash. */
	@Override
	public int removeAbandonedWrites() throws IOException {
		if (!Files.isDirectory(this.root)) {
			return 0;
		}
		List<Path> abandoned = new ArrayList<>();
		// The real path: a replica directory reached through a symbolic link is walked too.
		try (var files = Files.walk(this.root.toRealPath())) {
			files.filter((file) -> TEMPORARY_NAME.matcher(file.getFileName().toString()).matches())
				.filter(Files::isRegularFile)
				.forEach(abandoned::add);
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		for (Path file : abandoned) {
			Files.deleteIfExists(file);
		}
		return abandoned.size();
	}

	@Override
	public List<String> names(String folder) throws IOException {
		List<String> names = new ArrayList<>();
		for (Path entry : list(resolve(folder))) {
			String name = entry.getFileName().toString();
			if (Files.isRegularFile(entry) && !TEMPORARY_NAME.matcher(name).matches()
					&& !LOCK_NAME.matcher(name).matches()) {
				names.add(name);
			}
		}
		return names;
	}

	@Override
	public String createIfAbsent(String path, byte[] content) throws IOException {
		Path target = resolve(path);
		Path temporary = writeTemporary(target, content);
		try {
			// A hard link fails when the target exists: an atomic create with the content in place.
			Files.createLink(target, temporary);
			syncDirectory(target.getParent());
			return versionOf(content);
		}
		catch (java.nio.file.FileAlreadyExistsException ex) {
			return null;
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Read, compare and rename under a lock on {@code .<object name>.lock} beside the object:
	 * held by one thread of this JVM at a time, and by one process at a time through the file
	 * system's lock (where it has one that works across machines, across those too). The lock
	 * file stays: removing it while another process waits for it would let a third lock a new one.
	 */
	@Override
	public String replaceIfVersion(String path, byte[] content, String version) throws IOException {
		Path target = resolve(path);
		if (!Files.isRegularFile(target)) {
			// Nothing to replace; and no lock file is left beside an object that never was.
			return null;
		}
		// The real path: clients that reach the directory through different links share the lock.
		Path lockFile = target.getParent().toRealPath().resolve("." + target.getFileName() + ".lock");
		synchronized (processLocks.computeIfAbsent(lockFile, (file) -> new Object())) {
			try (FileChannel lock = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
					this.fileAttributes); FileLock held = lock.lock()) {
				VersionedObject current = readVersioned(path);
				if (current == null || !current.version().equals(version)) {
					return null;
				}
				publish(writeTemporary(target, content), target);
				return versionOf(content);
			}
		}
	}

	@Override
	public VersionedObject readVersioned(String path) throws IOException {
		try {
			byte[] content = Files.readAllBytes(resolve(path));
			return new VersionedObject(content, versionOf(content));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	private static java.security.MessageDigest sha256() {
		try {
			return java.security.MessageDigest.getInstance("SHA-256");
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	private static String versionOf(byte[] content) {
		return java.util.HexFormat.of().formatHex(sha256().digest(content));
	}

	@Override
	public InputStream open(String path) throws IOException {
		return Files.newInputStream(resolve(path));
	}

	/** Objects only: a folder is not one (S3 has none). */
	@Override
	public boolean exists(String path) {
		return Files.isRegularFile(resolve(path));
	}

	@Override
	public void delete(List<String> paths) throws IOException {
		for (String path : paths) {
			Files.deleteIfExists(resolve(path));
		}
	}

	@Override
	public void deleteGeneration(String generation) throws IOException {
		Path directory = generationDir(generation);
		if (!Files.exists(directory)) {
			return;
		}
		Files.walkFileTree(directory, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				Files.deleteIfExists(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
				Files.deleteIfExists(dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private Path generationDir(String generation) {
		return this.root.resolve(ReplicaLayout.GENERATIONS).resolve(generation);
	}

	private Path resolve(String path) {
		Path resolved = this.root.resolve(path).normalize();
		if (!resolved.startsWith(this.root)) {
			throw new IllegalArgumentException("Path " + path + " leaves the replica directory");
		}
		return resolved;
	}

	private Path prepareTemporary(Path target) throws IOException {
		// Only the directories created now get the attributes; those that were there keep theirs.
		Files.createDirectories(target.getParent(), this.directoryAttributes);
		Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
		Files.createFile(temporary, this.fileAttributes);
		return temporary;
	}

	private static void publish(Path temporary, Path target) throws IOException {
		try {
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			Files.deleteIfExists(temporary);
			throw ex;
		}
		syncDirectory(target.getParent());
	}

	private static void syncDirectory(Path directory) {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Some file systems can't sync a directory; the rename is as durable as they allow.
		}
	}

	private static List<Path> list(Path directory) throws IOException {
		List<Path> entries = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
			stream.forEach(entries::add);
		}
		catch (NoSuchFileException ex) {
			return entries;
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		return entries;
	}

}
