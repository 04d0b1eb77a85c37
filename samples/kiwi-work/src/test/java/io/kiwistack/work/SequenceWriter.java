package io.kiwistack.work;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.kiwistack.work.KiwiWorkAutoCluster.Node;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client threads writing sequence numbers: each request creates a task titled
 * {@code <prefix><n>}, {@code n} counting up across all threads, sent to the next of the nodes
 * that {@code targets} gives at that moment (round-robin). Nothing is retried: each attempt is
 * recorded once, with when it was sent and answered ({@link System#nanoTime()}), the node, and how
 * it ended ({@link Outcome}). Only an {@link Outcome#ACKNOWLEDGED acknowledged} write is a promise
 * the service made.
 */
final class SequenceWriter {

	/** The response header with the position of a write's commit: {@code <generation>/<index>:<offset>}. */
	static final String POSITION_HEADER = "Kiwi-Db-Position";

	/** How an attempt ended. */
	enum Outcome {

		/** Answered 2xx with the task sent: committed, a promise. */
		ACKNOWLEDGED,

		/** Answered with a refusal (503 and other statuses that say nothing was done), or the connection was refused. */
		REFUSED,

		/**
		 * The outcome is unknown: the connection was reset or timed out, or a forwarding node
		 * answered 502 or 504 (or 500): it may or may not have been committed.
		 */
		UNKNOWN

	}

	private final String prefix;

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong turn = new AtomicLong();

	private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final Duration pace;

	private volatile boolean stopped;

	private SequenceWriter(String prefix, Duration pace) {
		this.prefix = prefix;
		this.pace = pace;
	}

	/**
	 * Starts {@code threadCount} threads writing {@code <prefix>1}, {@code <prefix>2}... each
	 * pausing {@code pace} after an answer (and at least 20 ms after a failed attempt, so that a
	 * dead node's refused connections do not spin).
	 * @param targets the nodes to write through, asked before each attempt: such as the live ones
	 */
	static SequenceWriter start(String name, String prefix, Supplier<List<Node>> targets, int threadCount,
			Duration pace) {
		SequenceWriter writer = new SequenceWriter(prefix, pace);
		for (int t = 0; t < threadCount; t++) {
			Thread thread = new Thread(() -> writer.run(targets), name + " writer " + t);
			thread.setDaemon(true);
			writer.threads.add(thread);
			thread.start();
		}
		return writer;
	}

	private void run(Supplier<List<Node>> targets) {
		while (!this.stopped) {
			List<Node> nodes = targets.get();
			if (nodes.isEmpty()) {
				sleep(Duration.ofMillis(20));
				continue;
			}
			Node node = nodes.get((int) Math.floorMod(this.turn.getAndIncrement(), (long) nodes.size()));
			long seq = this.sequence.incrementAndGet();
			String title = this.prefix + seq;
			long startedAt = System.nanoTime();
			Attempt attempt;
			try {
				HttpResponse<String> response = node.client().postTask(title);
				long endedAt = System.nanoTime();
				int status = response.statusCode();
				if (status / 100 == 2) {
					Task task = KiwiWorkClient.task(response);
					// A task of another title would be a defect of its own: not an acknowledgement of this write.
					Outcome outcome = title.equals(task.title()) ? Outcome.ACKNOWLEDGED : Outcome.UNKNOWN;
					attempt = new Attempt(seq, title, node.name(), startedAt, endedAt, status, outcome, task.id(),
							response.headers().firstValue(POSITION_HEADER).orElse(null), response.body());
				}
				else {
					Outcome outcome = (status == 500 || status == 502 || status == 504) ? Outcome.UNKNOWN
							: Outcome.REFUSED;
					attempt = new Attempt(seq, title, node.name(), startedAt, endedAt, status, outcome, null, null,
							response.body());
				}
			}
			catch (IOException | RuntimeException ex) {
				Outcome outcome = (ex instanceof ConnectException) ? Outcome.REFUSED : Outcome.UNKNOWN;
				attempt = new Attempt(seq, title, node.name(), startedAt, System.nanoTime(), -1, outcome, null, null,
						ex.toString());
			}
			this.attempts.add(attempt);
			sleep(attempt.acknowledged() ? this.pace : this.pace.plusMillis(20));
		}
	}

	/**
	 * Tells the threads to stop and waits for them (each at most the client's 5 s request timeout
	 * and then some).
	 * @return every attempt, in the order they were answered
	 */
	List<Attempt> stop() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(15_000);
			assertThat(thread.isAlive()).as("%s still running", thread.getName()).isFalse();
		}
		return attempts();
	}

	/** Every attempt so far, in the order they were answered. */
	List<Attempt> attempts() {
		return List.copyOf(this.attempts);
	}

	/** The acknowledged attempts so far, in the order they were answered. */
	/**
	 * Every title sent so far, answered or not: a number is taken before its request goes out, so
	 * a task on a node whose answer is still under way is among them.
	 */
	Set<String> titlesSent() {
		Set<String> titles = new java.util.HashSet<>();
		for (long seq = 1, last = this.sequence.get(); seq <= last; seq++) {
			titles.add(this.prefix + seq);
		}
		return titles;
	}

	List<Attempt> acknowledged() {
		return this.attempts.stream().filter(Attempt::acknowledged).toList();
	}

	/**
	 * Waits until an attempt that was sent after {@code nanoTime} and satisfies {@code condition}
	 * is acknowledged.
	 * @return the one answered first, or empty when none within {@code timeout} of now
	 */
	Optional<Attempt> awaitAcknowledged(long nanoTime, Predicate<Attempt> condition, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Optional<Attempt> first = this.attempts.stream()
				.filter((attempt) -> attempt.acknowledged() && attempt.startedAt() > nanoTime && condition.test(attempt))
				.min(Comparator.comparingLong(Attempt::endedAt));
			if (first.isPresent() || System.nanoTime() > deadline) {
				return first;
			}
			Thread.sleep(10);
		}
	}

	/** How many attempts ended each way, by node: for a report. */
	static String summary(List<Attempt> attempts) {
		Map<String, Map<Outcome, Long>> byNode = attempts.stream()
			.collect(Collectors.groupingBy(Attempt::node, TreeMap::new,
					Collectors.groupingBy(Attempt::outcome, TreeMap::new, Collectors.counting())));
		return byNode.toString();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One write: its sequence number and title, the node it was sent to, when it was sent and
	 * answered, and how it ended.
	 * @param status the HTTP status, -1 when there was no answer
	 * @param id the task's id when acknowledged
	 * @param position the {@value #POSITION_HEADER} header of an acknowledgement, {@code null} without one
	 * @param detail the answer's body or the exception
	 */
	record Attempt(long seq, String title, String node, long startedAt, long endedAt, int status, Outcome outcome,
			Long id, String position, String detail) {

		boolean acknowledged() {
			return this.outcome == Outcome.ACKNOWLEDGED;
		}

		/** The generation of the primary that committed it, from its position; {@code null} without one. */
		String generation() {
			return (this.position != null && this.position.contains("/"))
					? this.position.substring(0, this.position.indexOf('/')) : null;
		}

		@Override
		public String toString() {
			String body = (this.detail != null && this.detail.length() > 200) ? this.detail.substring(0, 200) + "..."
					: this.detail;
			return this.title + " via " + this.node + " -> " + this.outcome + " " + this.status
					+ ((this.id != null) ? " id " + this.id : "") + ((this.position != null) ? " at " + this.position : "")
					+ " " + body;
		}

	}

}
