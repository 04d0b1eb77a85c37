package io.kiwistack.db.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The failover run's client: one thread sends {@code POST /items} of {@link ItemController} to each
 * surviving node every {@value #EVERY_MILLIS} ms, without waiting for the answers (a request held by
 * a node while its role changes must not hold back the next ones, which may be answered first),
 * and notes when the first {@code 2xx} answers a request sent since {@link #measureFrom}. Requests
 * sent before that are counted apart: they show that writes flowed before the kill, and one answered
 * after it may have been committed by the old primary.
 */
final class FailoverWriter implements AutoCloseable {

	static final int EVERY_MILLIS = 20;

	/** At most this many requests unanswered at once: a node that holds them all is not sent more. */
	static final int MAX_IN_FLIGHT = 200;

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final HttpClient http;

	private final List<URI> targets;

	private final Thread thread;

	private volatile boolean running = true;

	private volatile long measureFromNanos;

	private volatile boolean measuring;

	/** Nanoseconds from {@link #measureFrom} to the earliest measured {@code 2xx}. */
	private final AtomicLong firstAcknowledgedAfter = new AtomicLong(Long.MAX_VALUE);

	private final CountDownLatch acknowledged = new CountDownLatch(1);

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger acknowledgedBefore = new AtomicInteger();

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicInteger skipped = new AtomicInteger();

	private final Map<Integer, AtomicInteger> refused = new ConcurrentHashMap<>();

	private FailoverWriter(HttpClient http, List<String> baseUrls) {
		this.http = http;
		this.targets = baseUrls.stream().map((url) -> URI.create(url + ItemController.PATH)).toList();
		this.thread = new Thread(this::write, "failover-writer");
		this.thread.setDaemon(true);
	}

	/** Start writing through {@code baseUrls}, one request to each per tick. */
	static FailoverWriter start(HttpClient http, List<String> baseUrls) {
		FailoverWriter writer = new FailoverWriter(http, baseUrls);
		writer.thread.start();
		return writer;
	}

	private void write() {
		long every = TimeUnit.MILLISECONDS.toNanos(EVERY_MILLIS);
		long next = System.nanoTime();
		int n = 0;
		while (this.running) {
			for (URI target : this.targets) {
				send(target, n++);
			}
			next += every;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			else {
				// Late (a loaded machine): go on from now, no burst to catch up.
				next = System.nanoTime();
			}
		}
	}

	private void send(URI target, int n) {
		long sentAt = System.nanoTime();
		boolean measured = this.measuring && sentAt - this.measureFromNanos >= 0;
		if (this.inFlight.get() >= MAX_IN_FLIGHT) {
			if (measured) {
				this.skipped.incrementAndGet();
			}
			return;
		}
		this.inFlight.incrementAndGet();
		if (measured) {
			this.sent.incrementAndGet();
		}
		HttpRequest request = HttpRequest.newBuilder(target)
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(String.format(Locale.ROOT, "{\"title\":\"failover\",\"qty\":%d}", n)))
			.build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
			long answeredAt = System.nanoTime();
			this.inFlight.decrementAndGet();
			boolean ok = error == null && response.statusCode() / 100 == 2;
			if (!measured) {
				if (ok) {
					this.acknowledgedBefore.incrementAndGet();
				}
			}
			else if (ok) {
				// Answers come on the client's threads: keep the earliest, however they race.
				this.firstAcknowledgedAfter.accumulateAndGet(answeredAt - this.measureFromNanos, Math::min);
				this.acknowledged.countDown();
			}
			else if (error != null) {
				this.failed.incrementAndGet();
			}
			else {
				this.refused.computeIfAbsent(response.statusCode(), (status) -> new AtomicInteger()).incrementAndGet();
			}
		});
	}

	/** Wait until {@code count} requests were acknowledged before any measuring: writes flow. */
	boolean awaitFlowing(int count, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		while (this.acknowledgedBefore.get() < count) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			Thread.sleep(5);
		}
		return true;
	}

	/** Count from now: only requests sent from {@code nanos} on answer the measured write. */
	void measureFrom(long nanos) {
		this.measureFromNanos = nanos;
		this.measuring = true;
	}

	/**
	 * Wait for the first {@code 2xx} to a request sent since {@link #measureFrom}.
	 * @return how long after {@link #measureFrom} it was answered, {@code null} when none was within {@code within}
	 */
	Duration awaitFirstAcknowledged(Duration within) throws InterruptedException {
		if (!this.acknowledged.await(within.toNanos(), TimeUnit.NANOSECONDS)) {
			return null;
		}
		// An answer that came a moment earlier on another of the client's threads may be noted just after.
		Thread.sleep(50);
		return Duration.ofNanos(this.firstAcknowledgedAfter.get());
	}

	/** What answered the measured requests so far. */
	Tally tally() {
		Map<Integer, Integer> statuses = new TreeMap<>();
		this.refused.forEach((status, count) -> statuses.put(status, count.get()));
		return new Tally(this.acknowledgedBefore.get(), this.sent.get(), statuses, this.failed.get(), this.skipped.get());
	}

	/** Stop sending; answers still on their way are left to the client. */
	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.thread.join();
	}

	/**
	 * The writer's counts.
	 * @param acknowledgedBefore {@code 2xx} answers to requests sent before the kill
	 * @param sent requests sent since the kill
	 * @param refused answers other than {@code 2xx} to those, by status
	 * @param failed those that got no answer: refused connections, timeouts
	 * @param skipped ticks not sent since the kill, with {@value #MAX_IN_FLIGHT} unanswered
	 */
	record Tally(int acknowledgedBefore, int sent, Map<Integer, Integer> refused, int failed, int skipped) {

		String describeRefused() {
			if (this.refused.isEmpty()) {
				return "none refused";
			}
			StringBuilder text = new StringBuilder();
			this.refused.forEach((status, count) -> text.append((text.length() > 0) ? ", " : "")
				.append(count)
				.append(" x ")
				.append(status));
			return text.toString();
		}

	}

}
