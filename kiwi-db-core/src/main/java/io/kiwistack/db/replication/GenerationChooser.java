package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the generation a restore uses: the newest one, judged by its newest object (at or
 * before the point in time, for a restore to one). The newest generation is the history the
 * primary wrote last, so it is restored or the restore fails: a generation that holds anything
 * (a segment, a snapshot, one of kiwi-db's records) but no snapshot to start from is never passed
 * over in silence for an older one, which would lose its transactions. Only when the caller allows
 * it does the choice fall back to an older generation, logging what it skips. A replica is empty
 * only when no generation holds anything.
 */
final class GenerationChooser {

	private static final System.Logger logger = System.getLogger(GenerationChooser.class.getName());

	/** How a refusal tells the way out. */
	static final String FALLBACK_ADVICE = "Put the missing snapshot back if a copy exists. To restore an older "
			+ "generation instead, losing this one's transactions, allow falling back to an older generation "
			+ "(kiwi.db.replication.allow-older-generation=true, or allowOlderGeneration in code)";

	private final ReplicaClient client;

	private final boolean allowOlderGeneration;

	GenerationChooser(ReplicaClient client, boolean allowOlderGeneration) {
		this.client = client;
		this.allowOlderGeneration = allowOlderGeneration;
	}

	/**
	 * The plan for the latest state, or the state at {@code time}.
	 * @param time the point in time, {@code null} for the latest state
	 * @return the plan, empty when no generation holds anything (at that time)
	 * @throws ReplicaException when the generation to restore has no snapshot and falling back is
	 * not allowed, or no generation can be restored
	 */
	Optional<RestorePlan> plan(Instant time) throws IOException {
		List<Candidate> candidates = new ArrayList<>();
		for (String generation : this.client.generations()) {
			Candidate candidate = candidate(generation, time);
			if (candidate != null) {
				candidates.add(candidate);
			}
		}
		if (candidates.isEmpty()) {
			return Optional.empty();
		}
		// Newest first. Storage that dates objects to the second ties often; kiwi-db's names sort by
		// age. A generation with records but no dated object is damaged: it is judged first.
		candidates.sort(Comparator
			.comparing(Candidate::activity, Comparator.nullsFirst(Comparator.<Instant>reverseOrder()))
			.thenComparing(Candidate::generation, Comparator.reverseOrder()));
		List<String> skipped = new ArrayList<>();
		for (Candidate candidate : candidates) {
			if (candidate.plan() != null) {
				if (!skipped.isEmpty()) {
					logger.log(Level.WARNING, "Restoring the older generation " + candidate.generation() + " of "
							+ this.client.describe() + ", as falling back to an older generation is allowed; skipped: "
							+ String.join("; ", skipped));
				}
				return Optional.of(candidate.plan());
			}
			String problem = candidate.problem();
			if (!this.allowOlderGeneration) {
				throw new ReplicaException(problem + ". " + FALLBACK_ADVICE);
			}
			skipped.add(problem);
		}
		throw new ReplicaException("No generation of " + this.client.describe() + " can be restored: "
				+ String.join("; ", skipped));
	}

	/** What {@code generation} holds (at {@code time}), or {@code null} when it holds nothing. */
	private Candidate candidate(String generation, Instant time) throws IOException {
		SnapshotInfo snapshot = null;
		Instant activity = null;
		for (SnapshotInfo candidate : this.client.snapshots(generation)) {
			if (time == null || !candidate.createdAt().isAfter(time)) {
				snapshot = candidate;
				activity = later(activity, candidate.createdAt());
			}
		}
		List<WalSegmentInfo> held = new ArrayList<>();
		List<WalSegmentInfo> toApply = new ArrayList<>();
		for (WalSegmentInfo segment : this.client.walSegments(generation)) {
			if (time != null && segment.createdAt().isAfter(time)) {
				continue;
			}
			held.add(segment);
			activity = later(activity, segment.createdAt());
			if (snapshot != null && segment.index() >= snapshot.index()) {
				toApply.add(segment);
			}
		}
		List<String> records = List.of();
		if (snapshot == null && held.isEmpty()) {
			// A record can't be dated to a point in time; for the latest state it still proves data existed.
			records = (time == null) ? this.client.names(ReplicaLayout.recordsFolder(generation)) : List.of();
			if (records.isEmpty()) {
				return null;
			}
		}
		RestorePlan plan = null;
		if (snapshot != null) {
			Instant snapshotCreated = snapshot.createdAt();
			Instant updated = toApply.stream()
				.map(WalSegmentInfo::createdAt)
				.filter((created) -> created.isAfter(snapshotCreated))
				.max(Comparator.naturalOrder())
				.orElse(snapshotCreated);
			plan = new RestorePlan(generation, snapshot, toApply, updated);
		}
		return new Candidate(generation, activity, plan, missingSnapshot(generation, held, records, time));
	}

	private String missingSnapshot(String generation, List<WalSegmentInfo> segments, List<String> records,
			Instant time) {
		long index = segments.isEmpty() ? recordedSnapshotIndex(records)
				: segments.stream().mapToLong(WalSegmentInfo::index).min().getAsLong();
		String holds = segments.isEmpty() ? "kiwi-db's records " + records
				: segments.size() + " log segment(s), the first " + segments.get(0).path();
		return "Generation " + generation + " of " + this.client.describe() + " can't be restored: its snapshot "
				+ ReplicaLayout.snapshotPath(generation, index) + " is missing"
				+ ((time != null) ? " (no snapshot of it was taken at or before " + time + ")" : "")
				+ ", yet it holds " + holds + ", so it had transactions that no restore could bring back without it";
	}

	private static long recordedSnapshotIndex(List<String> records) {
		return records.stream()
			.map(ReplicaLayout::parseSnapshotDigest)
			.filter((index) -> index >= 0)
			.min(Long::compare)
			.orElse(0L);
	}

	private static Instant later(Instant current, Instant candidate) {
		return (current == null || candidate.isAfter(current)) ? candidate : current;
	}

	private record Candidate(String generation, Instant activity, RestorePlan plan, String problem) {
	}

}
