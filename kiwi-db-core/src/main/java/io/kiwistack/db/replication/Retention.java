package io.kiwistack.db.replication;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes from the replica what restores no longer need: other generations not updated within the
 * retention period, and the current generation's snapshots older than it (never the newest) with
 * the segments only they needed.
 */
final class Retention {

	private final ReplicaClient client;

	private final PrimaryClaim claim;

	private final Duration retention;

	private final Clock clock;

	Retention(ReplicaClient client, PrimaryClaim claim, Duration retention, Clock clock) {
		this.client = client;
		this.claim = claim;
		this.retention = retention;
		this.clock = clock;
	}

	void enforce(String generation) throws IOException {
		this.claim.checkStillPrimary();
		Instant horizon = this.clock.instant().minus(this.retention);
		for (String other : this.client.generations()) {
			if (!other.equals(generation) && latestUpdate(other).isBefore(horizon)) {
				this.client.deleteGeneration(other);
			}
		}
		List<SnapshotInfo> snapshots = this.client.snapshots(generation);
		List<String> obsolete = new ArrayList<>();
		long oldestKeptIndex = Long.MAX_VALUE;
		for (int i = 0; i < snapshots.size(); i++) {
			SnapshotInfo snapshot = snapshots.get(i);
			boolean newest = i == snapshots.size() - 1;
			if (!newest && snapshot.createdAt().isBefore(horizon)) {
				obsolete.add(ReplicaLayout.snapshotPath(generation, snapshot.index()));
				obsolete.addAll(SnapshotDigest.paths(generation, snapshot.index()));
			}
			else {
				oldestKeptIndex = Math.min(oldestKeptIndex, snapshot.index());
			}
		}
		for (WalSegmentInfo segment : this.client.walSegments(generation)) {
			if (segment.index() < oldestKeptIndex) {
				obsolete.add(segment.path());
			}
		}
		if (!obsolete.isEmpty()) {
			this.client.delete(obsolete);
		}
	}

	private Instant latestUpdate(String generation) throws IOException {
		Instant latest = Instant.EPOCH;
		for (SnapshotInfo snapshot : this.client.snapshots(generation)) {
			latest = snapshot.createdAt().isAfter(latest) ? snapshot.createdAt() : latest;
		}
		for (WalSegmentInfo segment : this.client.walSegments(generation)) {
			latest = segment.createdAt().isAfter(latest) ? segment.createdAt() : latest;
		}
		return latest;
	}

}
