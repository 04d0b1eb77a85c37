package io.kiwistack.db.replication;

import java.io.IOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.kiwistack.db.HeldOpenFile;
import io.kiwistack.db.KiwiDataSource;

/**
 * A primary's snapshots: the database file streamed, compressed, straight into the replica (no
 * copy on the local disk, which may be the one short of space), their digests, and when the next
 * one is due. A generation's first digest waits until its first segments are written: read
 * replicas switch to a generation only once it is there, so they never serve its snapshot alone
 * when it is older than what they served before.
 */
final class Snapshots {

	private final KiwiDataSource dataSource;

	private final ReplicaClient client;

	private final PrimaryClaim claim;

	private final Duration interval;

	private final Clock clock;

	private Instant lastSnapshot;

	private long snapshotIndex = -1;

	private Digest unpublished;

	Snapshots(KiwiDataSource dataSource, ReplicaClient client, PrimaryClaim claim, Duration interval, Clock clock) {
		this.dataSource = dataSource;
		this.client = client;
		this.claim = claim;
		this.interval = interval;
		this.clock = clock;
	}

	/** Stream the first snapshot of {@code generation}; its digest is published by {@link #publishFirstDigest()}. */
	void writeFirst(String generation) throws IOException {
		this.unpublished = new Digest(generation, 0, write(generation, 0));
	}

	/** Publish the digest of a generation's first snapshot, once its first segments are written. */
	void publishFirstDigest() throws IOException {
		Digest digest = this.unpublished;
		if (digest != null) {
			writeDigest(digest);
			this.unpublished = null;
		}
	}

	/**
	 * Take a snapshot at {@code index} if one is due.
	 * @return whether one was written
	 */
	boolean writeIfDue(String generation, long index) throws IOException {
		if (!due()) {
			return false;
		}
		if (this.snapshotIndex == index) {
			// The current log index has its snapshot already: replaying it from there is short,
			// and a snapshot rewritten in place would lose its date for restores to a point in time.
			this.lastSnapshot = this.clock.instant();
			return false;
		}
		writeDigest(new Digest(generation, index, write(generation, index)));
		return true;
	}

	/** A resumed generation's newest snapshot is {@code newest}: the next is due an interval after it. */
	void resumed(SnapshotInfo newest) {
		this.lastSnapshot = newest.createdAt();
		this.snapshotIndex = newest.index();
	}

	private boolean due() {
		return this.lastSnapshot == null
				|| Duration.between(this.lastSnapshot, this.clock.instant()).compareTo(this.interval) >= 0;
	}

	/** @return the hash of the uncompressed file, for its digest record */
	private byte[] write(String generation, long index) throws IOException {
		MessageDigest hash = SnapshotDigest.newDigest();
		this.claim.checkStillPrimary();
		this.client.write(ReplicaLayout.snapshotPath(generation, index), (out) -> {
			// Through the data source's held descriptor: closing a descriptor of our own here would
			// drop the locks SQLite holds on the file.
			try (HeldOpenFile held = this.dataSource.holdFile();
					var in = new DigestInputStream(held.inputStream(), hash)) {
				Lz4.copyCompressed(in, out);
			}
		});
		this.lastSnapshot = this.clock.instant();
		this.snapshotIndex = index;
		return hash.digest();
	}

	private void writeDigest(Digest digest) throws IOException {
		this.claim.checkStillPrimary();
		this.client.write(SnapshotDigest.path(digest.generation(), digest.index()),
				SnapshotDigest.record(digest.generation(), digest.index(), digest.hash()));
	}

	private record Digest(String generation, long index, byte[] hash) {
	}

}
