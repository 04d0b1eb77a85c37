package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of a replica path that stand ready to become its primary, as they publish themselves
 * under {@code kiwi/candidates/}: each node writes its own record (its id, the position it holds,
 * and which expired claim it stands in an election for) and reads everyone's. A node counts as
 * alive while its record keeps changing: every record carries a beat that its node increments every
 * {@linkplain #beatInterval quarter lease timeout}, and a record whose version stood still for half
 * the lease timeout on the reader's own clock is a node gone (an election does not wait for a node
 * killed a moment before). No clocks are compared across machines.
 */
final class Candidates {

	static final String FOLDER = "kiwi/candidates/";

	private final ReplicaClient client;

	private final String node;

	/** How recently a record must have changed for its node to count as alive. */
	private final long aliveWithinNanos;

	private final PrimaryLease.MonotonicClock clock;

	private long beat;

	/** Each other node's record version as last read, and since when (monotonic) it stood. */
	private final Map<String, Watched> watched = new HashMap<>();

	Candidates(ReplicaClient client, String node, java.time.Duration leaseTimeout, PrimaryLease.MonotonicClock clock) {
		this.client = client;
		this.node = node;
		this.aliveWithinNanos = leaseTimeout.dividedBy(2).toNanos();
		this.clock = clock;
	}

	/** How often a node publishes its record again, to show it is alive. */
	static java.time.Duration beatInterval(java.time.Duration leaseTimeout) {
		return leaseTimeout.dividedBy(4);
	}

	/**
	 * Publish this node's record.
	 * @param election the election it stands in (the expired claim's version), {@code null} when none
	 * @param position what it holds, {@code null} when nothing yet
	 */
	void publish(String election, Position position) throws IOException {
		this.beat++;
		String text = "node=" + this.node + "\nbeat=" + this.beat + "\nelection=" + ((election != null) ? election : "")
				+ "\nposition=" + ((position != null) ? position : "") + "\n";
		this.client.write(FOLDER + this.node, text.getBytes(StandardCharsets.UTF_8));
	}

	/** Read every other node's record, and which of them are alive. */
	List<Candidate> readOthers() throws IOException {
		List<Candidate> candidates = new ArrayList<>();
		long now = this.clock.nanoTime();
		for (String name : this.client.names(FOLDER)) {
			if (name.equals(this.node) || name.startsWith(".")) {
				continue;
			}
			VersionedObject record = this.client.readVersioned(FOLDER + name);
			if (record == null) {
				continue;
			}
			Watched before = this.watched.get(name);
			if (before == null || !before.version().equals(record.version())) {
				before = new Watched(record.version(), now);
				this.watched.put(name, before);
			}
			boolean alive = now - before.sinceNanos() < this.aliveWithinNanos;
			candidates.add(Candidate.parse(name, new String(record.content(), StandardCharsets.UTF_8), alive));
		}
		return candidates;
	}

	/**
	 * Whether {@code a} holds more of the history than {@code b}: a newer generation (their names
	 * sort by age), then a further log index and offset. Nothing at all is least.
	 */
	static boolean ahead(Position a, Position b) {
		if (a == null) {
			return false;
		}
		if (b == null) {
			return true;
		}
		int generation = a.generation().compareTo(b.generation());
		if (generation != 0) {
			return generation > 0;
		}
		if (a.index() != b.index()) {
			return a.index() > b.index();
		}
		return a.offset() > b.offset();
	}

	private record Watched(String version, long sinceNanos) {
	}

	/**
	 * Another node's record.
	 *
	 * @param node its id
	 * @param election the election it stands in, {@code null} when none
	 * @param position what it holds, {@code null} when nothing
	 * @param alive whether its record changed within the lease timeout, as this node saw it
	 */
	record Candidate(String node, String election, Position position, boolean alive) {

		static Candidate parse(String node, String text, boolean alive) {
			String election = null;
			Position position = null;
			for (String line : text.split("\n")) {
				if (line.startsWith("election=") && line.length() > "election=".length()) {
					election = line.substring("election=".length()).trim();
				}
				else if (line.startsWith("position=") && line.length() > "position=".length()) {
					try {
						position = Position.parse(line.substring("position=".length()).trim());
					}
					catch (IllegalArgumentException ex) {
						position = null;
					}
				}
			}
			return new Candidate(node, election, position, alive);
		}

	}

}
