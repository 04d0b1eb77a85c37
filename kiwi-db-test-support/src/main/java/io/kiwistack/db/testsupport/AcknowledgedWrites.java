package io.kiwistack.db.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writes a test saw acknowledged, by id, each with what was written and when the
 * acknowledgement arrived ({@link System#nanoTime()}), and the ones that were refused or got no
 * answer. Writer threads and readers of a child JVM's output record into it concurrently; a
 * durability test then checks that every acknowledged write is in what it reads back, and that
 * only the last moments before a crash may be missing.
 * <p>
 * An acknowledgement is a promise the service made: whatever it answered, or printed, once a
 * commit returned. A write that failed, or whose answer never came, promised nothing either way.
 *
 * @param <V> what a write stored, such as a task's title; {@code Void} where the id says it all
 */
public final class AcknowledgedWrites<V> {

	private final Map<Long, Acknowledgement<V>> acknowledged = new TreeMap<>();

	private final List<String> rejected = new ArrayList<>();

	private int unanswered;

	/**
	 * Records that the write {@code id} was acknowledged now.
	 * @param id the id the service gave it, or the writer's sequence number
	 * @param value what it stored, or {@code null}
	 */
	public synchronized void acknowledge(long id, V value) {
		this.acknowledged.put(id, new Acknowledgement<>(value, System.nanoTime()));
	}

	/** Records a write the service answered with a refusal, described for a failure message. */
	public synchronized void reject(String description) {
		this.rejected.add(description);
	}

	/** Records a write that got no answer: connection refused or reset, or a timeout. */
	public synchronized void noAnswer() {
		this.unanswered++;
	}

	/** What each acknowledged write stored, by id, in the order of the ids. */
	public synchronized Map<Long, V> acknowledged() {
		Map<Long, V> values = new LinkedHashMap<>();
		this.acknowledged.forEach((id, acknowledgement) -> values.put(id, acknowledgement.value()));
		return Collections.unmodifiableMap(values);
	}

	/** How many writes were acknowledged. */
	public synchronized int count() {
		return this.acknowledged.size();
	}

	/** When the write {@code id} was acknowledged, on {@link System#nanoTime()}. */
	public synchronized long acknowledgedAt(long id) {
		Acknowledgement<V> acknowledgement = this.acknowledged.get(id);
		if (acknowledgement == null) {
			throw new IllegalArgumentException("Write " + id + " was not acknowledged");
		}
		return acknowledgement.nanoTime();
	}

	/**
	 * For a writer numbering its writes 1, 2, 3...: the highest {@code n} such that the writes 1 to
	 * {@code n} were all acknowledged at or before {@code nanoTime}, 0 when the first was not. What a
	 * restore must hold when the writer was killed some time after {@code nanoTime}.
	 */
	public synchronized long lastAcknowledgedBefore(long nanoTime) {
		long last = 0;
		for (Acknowledgement<V> acknowledgement = this.acknowledged.get(last + 1); acknowledgement != null
				&& acknowledgement.nanoTime() <= nanoTime; acknowledgement = this.acknowledged.get(last + 1)) {
			last++;
		}
		return last;
	}

	/** The writes the service refused, as {@link #reject recorded}. */
	public synchronized List<String> rejected() {
		return List.copyOf(this.rejected);
	}

	/** How many writes got no answer. */
	public synchronized int unanswered() {
		return this.unanswered;
	}

	private record Acknowledgement<V>(V value, long nanoTime) {
	}

}
