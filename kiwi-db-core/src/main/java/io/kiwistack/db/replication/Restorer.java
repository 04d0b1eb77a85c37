package io.kiwistack.db.replication;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.kiwistack.db.OwnerOnlyFiles;
import io.kiwistack.db.TemporaryFiles;

/**
 * Rebuilds a database file from a replica: the newest snapshot, then every log segment after it
 * in order, each checked for continuity, salts and checksums, stopping at the last commit at or
 * before a point in time if one is given. The result is written to a temporary file beside the
 * target, checked with {@code PRAGMA integrity_check} and synced in full (the two at once, on two
 * threads: the check reads from memory while the disk finishes), and only when both succeed
 * linked into place; an existing file is never replaced, and a failed restore leaves nothing
 * behind.
 */
final class Restorer {

	private final ReplicaClient client;

	private final GenerationChooser chooser;

	/** A restorer that fails when the newest generation can't be restored. */
	Restorer(ReplicaClient client) {
		this(client, false);
	}

	/**
	 * @param allowOlderGeneration whether a restore may fall back to an older generation when the
	 * newest can't be restored (its snapshot is missing), losing the newest one's transactions; what
	 * it skips is logged
	 */
	Restorer(ReplicaClient client, boolean allowOlderGeneration) {
		this.client = client;
		this.chooser = new GenerationChooser(client, allowOlderGeneration);
	}

	/**
	 * Restore the latest state.
	 * @param target the database file to create; must not exist
	 * @return what was restored, or empty when the replica holds nothing at all
	 * @throws ReplicaException when the replica is damaged, its newest generation can't be restored
	 * (and falling back is not allowed), or the target exists
	 */
	Optional<RestoreResult> restoreLatest(Path target) throws IOException {
		return restore(target, null);
	}

	/**
	 * Restore the state of the last transaction shipped at or before {@code time}.
	 * @throws ReplicaException when no snapshot is that old, the replica is damaged, or the target
	 * exists
	 */
	RestoreResult restoreTo(Path target, Instant time) throws IOException {
		return restore(target, time).orElseThrow(() -> new ReplicaException(
				"Replica " + this.client.describe() + " has no snapshot taken at or before " + time));
	}

	private Optional<RestoreResult> restore(Path target, Instant time) throws IOException {
		Path database = target.toAbsolutePath().normalize();
		if (Files.exists(database)) {
			throw new ReplicaException("Not restoring into " + database + ": the file exists, and restore never replaces a database");
		}
		Optional<RestorePlan> plan = this.chooser.plan(time);
		if (plan.isEmpty()) {
			return Optional.empty();
		}
		OwnerOnlyFiles.createDirectories(database.getParent());
		TemporaryFiles.removeLeftovers(database);
		// Owner-only: the restored database is this same file, linked into place.
		Path temporary = TemporaryFiles.create(database, "restore");
		try {
			Position reached;
			try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.READ);
					RestoreSync sync = RestoreSync.start(file)) {
				reached = build(plan.get(), file);
				sync.writesDone();
				// The check reads the file from memory while the disk catches up with the last writes.
				checkIntegrity(temporary);
				sync.awaitSynced();
			}
			link(temporary, database);
			return Optional.of(new RestoreResult(database, reached, plan.get().snapshot(), plan.get().segments().size()));
		}
		finally {
			Files.deleteIfExists(temporary);
			Files.deleteIfExists(temporary.resolveSibling(temporary.getFileName() + "-wal"));
			Files.deleteIfExists(temporary.resolveSibling(temporary.getFileName() + "-shm"));
		}
	}

	/**
	 * The generation a restore of the latest state would use, and whether it is ready for a read
	 * replica to switch to (its snapshot's digest is written, after its first segments); empty when
	 * the replica holds nothing.
	 * @throws ReplicaException when the newest generation can't be restored
	 */
	Optional<LatestGeneration> latestGeneration() throws IOException {
		Optional<RestorePlan> plan = this.chooser.plan(null);
		if (plan.isEmpty()) {
			return Optional.empty();
		}
		String generation = plan.get().generation();
		boolean ready = SnapshotDigest.isRecorded(this.client, generation, plan.get().snapshot().index());
		return Optional.of(new LatestGeneration(generation, ready));
	}

	/**
	 * The newest generation of a replica.
	 *
	 * @param generation its name
	 * @param ready whether its first segments are in the replica with its snapshot
	 */
	record LatestGeneration(String generation, boolean ready) {
	}

	private Position build(RestorePlan plan, FileChannel database) throws IOException {
		SnapshotInfo snapshot = plan.snapshot();
		String snapshotPath = ReplicaLayout.snapshotPath(plan.generation(), snapshot.index());
		writeSnapshot(plan.generation(), snapshot, snapshotPath, database);
		LogProgress reached = new LogReader(this.client).read(plan.segments(),
				LogProgress.start(plan.generation(), snapshot.index()), pageSizeOf(database),
				(batch) -> PageWriter.applyFrames(batch.header(), batch.log(), batch.framesFrom(), database));
		return reached.position();
	}

	private void writeSnapshot(String generation, SnapshotInfo snapshot, String path, FileChannel database)
			throws IOException {
		// Hashed the way its record was written; a snapshot without one (Litestream's, or one whose
		// first segments were never shipped) is still hashed, to keep one path through the copy.
		Optional<SnapshotDigest.Recorded> recorded = SnapshotDigest.find(this.client, generation, snapshot.index());
		MessageDigest hash = recorded.map(SnapshotDigest.Recorded::newDigest).orElseGet(SnapshotDigest::newDigest);
		try (InputStream in = Lz4.open(this.client, path)) {
			SnapshotCopy.copy(in, database, hash);
		}
		catch (IOException ex) {
			throw new ReplicaException("Snapshot " + path + " in " + this.client.describe() + " can't be read: " + ex.getMessage(), ex);
		}
		if (recorded.isPresent()) {
			String mismatch = recorded.get().mismatch(this.client, hash.digest());
			if (mismatch != null) {
				throw new ReplicaException("Snapshot " + path + " in " + this.client.describe()
						+ " does not belong to this generation: " + mismatch);
			}
		}
	}

	private static int pageSizeOf(FileChannel database) throws IOException {
		if (database.size() < 100) {
			return 0;
		}
		ByteBuffer header = ByteBuffer.allocate(2);
		database.read(header, 16);
		int pageSize = ((header.get(0) & 0xff) << 8) | (header.get(1) & 0xff);
		return (pageSize == 1) ? 65536 : pageSize;
	}

	private static void checkIntegrity(Path database) {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			// Read through a mapping of the whole file instead of a read call and a copy per page:
			// integrity_check reads every page, and takes half the time this way.
			statement.execute("PRAGMA mmap_size = " + Files.size(database));
			List<String> problems = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
				while (rows.next()) {
					problems.add(rows.getString(1));
				}
			}
			if (!problems.equals(List.of("ok"))) {
				throw new ReplicaException("The restored database fails integrity_check: " + String.join("; ", problems));
			}
		}
		catch (SQLException | IOException ex) {
			throw new ReplicaException("The restored database can't be opened: " + ex.getMessage(), ex);
		}
	}

	private static void link(Path temporary, Path database) throws IOException {
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
		try {
			// A hard link fails when the target exists, where a rename would silently replace it.
			Files.createLink(database, temporary);
		}
		catch (FileAlreadyExistsException ex) {
			throw new ReplicaException("Not restoring into " + database + ": the file appeared during the restore, and restore never replaces a database", ex);
		}
		try (FileChannel directory = FileChannel.open(database.getParent(), StandardOpenOption.READ)) {
			directory.force(true);
		}
		catch (IOException ex) {
			// Some file systems can't sync a directory.
		}
	}

}
