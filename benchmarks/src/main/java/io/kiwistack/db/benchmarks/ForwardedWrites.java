package io.kiwistack.db.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.Position;

/**
 * A write sent to a read replica against the same write sent to the primary (issue 15), a timed
 * run in the report's JVM over a {@link WebCluster} of a primary and one read replica: one JDK
 * HttpClient (HTTP/1.1, keep-alive, no cookies) sends {@code POST /items} of
 * {@link ItemController}, one request at a time, alternately to the primary and to the replica
 * (which forwards it to the primary and answers once it has applied the commit's position, as
 * read-your-writes wants). Both take the same JSON body, the same insert and the same loopback;
 * the replica adds its forwarding hop and its wait for the stream. Each time is from sending to
 * the whole answer read.
 */
final class ForwardedWrites {

	/** The target of issue 15: forwarded p99 at most this many times direct p99. */
	static final double P99_RATIO_LIMIT = 3.0;

	/** Requests to each node before measuring: Tomcat's, MVC's and the forwarding path's warmup. */
	static final int WARMUP = 300;

	private ForwardedWrites() {
	}

	/** {@code count} writes to each node, after {@link #WARMUP} to each. */
	static Result run(WebCluster cluster, WebCluster.Node replica, int count) throws IOException, InterruptedException {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String primaryUrl = cluster.primary().url();
		String replicaUrl = replica.url();
		Tally warmup = new Tally(WARMUP);
		for (int i = 0; i < WARMUP; i++) {
			post(http, primaryUrl, "warmup-direct", i, warmup, null);
			post(http, replicaUrl, "warmup-forwarded", i, warmup, null);
		}
		Tally direct = new Tally(count);
		Tally forwarded = new Tally(count);
		for (int i = 0; i < count; i++) {
			// Which goes first alternates too: neither always follows the other's stream apply.
			if (i % 2 == 0) {
				post(http, primaryUrl, "direct", i, direct, null);
				post(http, replicaUrl, "forwarded", i, forwarded, replica);
			}
			else {
				post(http, replicaUrl, "forwarded", i, forwarded, replica);
				post(http, primaryUrl, "direct", i, direct, null);
			}
		}
		long onPrimary = cluster.primary().jdbc().sql("SELECT count(*) FROM item WHERE title IN ('direct', 'forwarded')")
			.query(Long.class)
			.single();
		return new Result(count, direct.summary(), forwarded.summary(), warmup.failures, onPrimary);
	}

	/**
	 * One POST, timed into {@code tally}; with {@code readBack}, the row must be on that node
	 * when the answer arrives (read-your-writes, without the cookie).
	 */
	private static void post(HttpClient http, String baseUrl, String title, int qty, Tally tally,
			WebCluster.Node readBack) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + ItemController.PATH))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString(String.format(Locale.ROOT, "{\"title\":\"%s\",\"qty\":%d}", title, qty)))
			.build();
		long start = System.nanoTime();
		HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
		long nanos = System.nanoTime() - start;
		boolean ok = response.statusCode() == 201
				&& response.headers().firstValue(PeerProtocol.POSITION_HEADER).map(ForwardedWrites::parses).orElse(false);
		if (ok && readBack != null) {
			ok = readBack.jdbc().sql("SELECT count(*) FROM item WHERE title = ? AND qty = ?")
				.param(title)
				.param(qty)
				.query(Long.class)
				.single() == 1;
			if (!ok) {
				tally.notReadBack++;
			}
		}
		tally.add(nanos, ok);
	}

	private static boolean parses(String position) {
		try {
			Position.parse(position);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** Request times and failures of one kind. */
	private static final class Tally {

		private final double[] millis;

		private int count;

		int failures;

		int notReadBack;

		Tally(int capacity) {
			this.millis = new double[capacity * 2];
		}

		void add(long nanos, boolean ok) {
			this.millis[this.count++] = nanos / 1e6;
			if (!ok) {
				this.failures++;
			}
		}

		Summary summary() {
			double[] sorted = Arrays.copyOf(this.millis, this.count);
			Arrays.sort(sorted);
			return new Summary(this.count, ReplicationRuns.percentile(sorted, 0.50),
					ReplicationRuns.percentile(sorted, 0.99), (this.count > 0) ? sorted[this.count - 1] : Double.NaN,
					this.failures, this.notReadBack);
		}

	}

	/**
	 * One kind's request times in milliseconds.
	 * @param failures answers that were not {@code 201} with a position header, or whose row was not on the replica at once
	 * @param notReadBack forwarded writes whose row the replica did not have when it answered
	 */
	record Summary(int requests, double p50, double p99, double max, int failures, int notReadBack) {
	}

	/**
	 * @param warmupFailures failed requests in the warmup
	 * @param rowsOnPrimary the measured rows the primary holds afterwards: both kinds' requests
	 */
	record Result(int count, Summary direct, Summary forwarded, int warmupFailures, long rowsOnPrimary) {

		double p99Ratio() {
			return this.forwarded.p99() / this.direct.p99();
		}

		/** Every write succeeded and was read back, and the forwarded p99 is within the limit. */
		boolean met() {
			return this.direct.failures() == 0 && this.forwarded.failures() == 0 && this.warmupFailures == 0
					&& this.rowsOnPrimary == 2L * this.count && p99Ratio() <= P99_RATIO_LIMIT;
		}

	}

}
