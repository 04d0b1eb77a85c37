package io.kiwistack.work;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.testsupport.AcknowledgedWrites;

/**
 * Client threads creating tasks as fast as the service answers, remembering every task whose
 * creation was acknowledged with {@code 201 Created} ({@link AcknowledgedWrites}). Each thread
 * stops when told to, after a number of requests, or after a time limit, whichever comes first.
 */
final class TaskWriteLoad {

	private final AcknowledgedWrites<String> writes = new AcknowledgedWrites<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopped;

	private TaskWriteLoad() {
	}

	static TaskWriteLoad start(KiwiWorkClient client, String name, int threadCount, int requestsPerThread,
			Duration timeLimit) {
		TaskWriteLoad load = new TaskWriteLoad();
		long deadline = System.nanoTime() + timeLimit.toNanos();
		for (int t = 0; t < threadCount; t++) {
			String prefix = name + "-thread-" + t + "-task-";
			Thread thread = new Thread(() -> load.run(client, prefix, requestsPerThread, deadline), prefix + "writer");
			thread.setDaemon(true);
			load.threads.add(thread);
			thread.start();
		}
		return load;
	}

	private void run(KiwiWorkClient client, String prefix, int requests, long deadline) {
		for (int n = 0; n < requests && !this.stopped && System.nanoTime() < deadline; n++) {
			String title = prefix + n;
			try {
				HttpResponse<String> response = client.postTask(title);
				Task task = (response.statusCode() == 201) ? KiwiWorkClient.task(response) : null;
				if (task != null && title.equals(task.title())) {
					this.writes.acknowledge(task.id(), task.title());
				}
				else {
					this.writes.reject(title + " -> " + response.statusCode() + " " + response.body());
				}
			}
			catch (IOException | RuntimeException ex) {
				this.writes.noAnswer();
				pause();
			}
		}
	}

	/**
	 * Tells the threads to stop and waits for them.
	 * @param timeout how long to wait for each thread
	 * @return whether all threads have ended
	 */
	boolean stop(Duration timeout) throws InterruptedException {
		this.stopped = true;
		boolean ended = true;
		for (Thread thread : this.threads) {
			thread.join(timeout.toMillis());
			ended &= !thread.isAlive();
		}
		return ended;
	}

	/** Tasks whose creation was acknowledged, by id. */
	Map<Long, String> acknowledged() {
		return this.writes.acknowledged();
	}

	/** Requests answered with anything but a {@code 201} for the title sent. */
	List<String> rejected() {
		return this.writes.rejected();
	}

	/** Requests that got no answer (connection refused or reset, timeout). */
	int unanswered() {
		return this.writes.unanswered();
	}

	private static void pause() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
