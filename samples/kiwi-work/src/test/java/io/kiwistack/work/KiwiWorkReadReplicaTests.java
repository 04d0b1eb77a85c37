package io.kiwistack.work;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kiwi Work as a primary and as read replicas, each in a JVM of its own on 127.0.0.1, sharing a
 * directory replica: a follower serves every task the primary creates and refuses writes; the
 * primary is killed with SIGKILL and the follower keeps serving; the follower is then promoted
 * (restarted as the primary on its own file) and a new follower started from scratch sees both the
 * tasks from before and the ones created after the promotion. Logs of the forked JVMs are in
 * {@code target/read-replica-tests/}.
 */
class KiwiWorkReadReplicaTests {

	private static final Path LOGS = Path.of("target", "read-replica-tests");

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(40);

	/** How long a task created on the primary may take to be readable on a follower. */
	private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(15);

	private static final Duration LEASE_TIMEOUT = Duration.ofSeconds(3);

	private static final int SIGKILL_EXIT_STATUS = 128 + 9;

	private static final int SIGTERM_EXIT_STATUS = 128 + 15;

	private static final int TASKS_BEFORE_FOLLOWER = 10;

	private static final int TASKS_WHILE_FOLLOWING = 15;

	private static final int TASKS_AFTER_PROMOTION = 10;

	@TempDir
	Path tempDir;

	@Test
	@Timeout(150)
	void aFollowerServesThePrimarysTasksKeepsServingWhenItDiesAndIsPromoted() throws Exception {
		Path replica = this.tempDir.resolve("replica");
		Path primaryFile = this.tempDir.resolve("primary").resolve("work.db");
		Path followerFile = this.tempDir.resolve("follower").resolve("work.db");
		Path newFollowerFile = this.tempDir.resolve("new-follower").resolve("work.db");
		Files.createDirectories(primaryFile.getParent());
		Files.createDirectories(followerFile.getParent());
		Files.createDirectories(newFollowerFile.getParent());
		List<Task> tasks = new ArrayList<>();

		try (KiwiWorkProcess primary = KiwiWorkProcess.start(primaryFile, LOGS.resolve("primary.log"),
				primaryArguments(replica))) {
			KiwiWorkClient primaryClient = primary.awaitHealthy(STARTUP_TIMEOUT);
			for (int i = 1; i <= TASKS_BEFORE_FOLLOWER; i++) {
				tasks.add(primaryClient.create("before the follower " + i));
			}
			awaitShipped(primaryClient, tasks.get(tasks.size() - 1));

			try (KiwiWorkProcess follower = KiwiWorkProcess.start(followerFile, LOGS.resolve("follower.log"),
					followerArguments(replica))) {
				KiwiWorkClient followerClient = follower.awaitHealthy(STARTUP_TIMEOUT);

				// Every task created on the primary becomes readable on the follower, as it is there.
				for (int i = 1; i <= TASKS_WHILE_FOLLOWING; i++) {
					tasks.add(primaryClient.create("while following " + i));
				}
				Task completed = primaryClient.complete(tasks.get(2).id());
				tasks.set(2, completed);
				awaitReadable(followerClient, tasks, "follower");
				assertThat(followerClient.pending()).as("pending tasks on the follower")
					.isEqualTo(primaryClient.pending());

				// A write on the follower fails, and creates no task anywhere.
				HttpResponse<String> refused = followerClient.postTask("written on the follower");
				assertThat(refused.statusCode()).as("POST /tasks on the follower: %s", refused.body())
					.isNotEqualTo(201)
					.isGreaterThanOrEqualTo(500);
				awaitLogged(follower, "This node is a read replica following file:" + replica.toAbsolutePath());
				Thread.sleep(1_000);
				assertThat(titles(primaryClient.pending())).as("tasks on the primary")
					.doesNotContain("written on the follower");
				assertThat(titles(followerClient.pending())).as("tasks on the follower")
					.doesNotContain("written on the follower");

				// The follower's health shows it is a replica, where it stands and how far behind.
				JsonNode replication = kiwiDbReplication(followerClient);
				JsonNode primaryReplication = kiwiDbReplication(primaryClient);
				assertThat(primaryReplication.path("role").asString()).isEqualTo("primary");
				assertThat(replication.path("role").asString()).as("role in %s", replication).isEqualTo("replica");
				assertThat(replication.path("replica").asString()).as("replica in %s", replication)
					.isEqualTo("file:" + replica.toAbsolutePath());
				assertThat(replication.path("position").asString()).as("position in %s", replication)
					.startsWith(primaryReplication.path("generation").asString() + "/");
				assertThat(replication.path("generation").asString()).as("generation in %s", replication)
					.isEqualTo(primaryReplication.path("generation").asString());
				assertThat(replication.path("lag").asString()).as("lag in %s", replication)
					.startsWith("PT")
					.satisfies((lag) -> assertThat(Duration.parse(lag)).isLessThan(Duration.ofSeconds(30)));
				assertThat(replication.path("newestTransactionAt").asString()).as("newest transaction in %s", replication)
					.isNotEqualTo("null");
				assertThat(replication.has("lastError")).as("lastError in %s", replication).isFalse();
				String oldGeneration = replication.path("generation").asString();

				// The primary dies the hard way; the follower keeps serving the same data.
				long killedAt = System.nanoTime();
				assertThat(primary.kill()).as("exit status of the killed primary").isEqualTo(SIGKILL_EXIT_STATUS);
				for (Task task : tasks) {
					assertThat(followerClient.task(task.id())).as("task %d on the follower after the primary died",
							task.id())
						.isEqualTo(task);
				}
				assertThat(followerClient.pending()).as("pending tasks on the follower after the primary died")
					.isEqualTo(pending(tasks));
				assertThat(followerClient.health().path("status").asString()).as("follower health").isEqualTo("UP");

				// Promotion: stop following, and restart the same node as the primary on its own file,
				// once the dead primary's claim on the replica has expired.
				assertThat(follower.stop()).as("exit status of the stopped follower, log:%n%s", follower.logTail())
					.isIn(0, SIGTERM_EXIT_STATUS);
				long sinceKill = System.nanoTime() - killedAt;
				long leaseLeft = LEASE_TIMEOUT.plusMillis(500).toNanos() - sinceKill;
				if (leaseLeft > 0) {
					Thread.sleep(leaseLeft / 1_000_000);
				}
				try (KiwiWorkProcess promoted = KiwiWorkProcess.start(followerFile, LOGS.resolve("promoted.log"),
						primaryArguments(replica))) {
					KiwiWorkClient promotedClient = promoted.awaitHealthy(STARTUP_TIMEOUT);
					JsonNode promotedReplication = kiwiDbReplication(promotedClient);
					assertThat(promotedReplication.path("role").asString()).as("role in %s", promotedReplication)
						.isEqualTo("primary");
					assertThat(promotedReplication.path("generation").asString())
						.as("the promoted node's generation, in %s", promotedReplication)
						.isNotEqualTo(oldGeneration);
					for (Task task : tasks) {
						assertThat(promotedClient.task(task.id())).as("task %d on the promoted node", task.id())
							.isEqualTo(task);
					}
					long newestBefore = tasks.get(tasks.size() - 1).id();
					for (int i = 1; i <= TASKS_AFTER_PROMOTION; i++) {
						Task task = promotedClient.create("after the promotion " + i);
						assertThat(task.id()).as("id of a task created after the promotion").isGreaterThan(newestBefore);
						tasks.add(task);
					}
					awaitShipped(promotedClient, tasks.get(tasks.size() - 1));

					// A new follower, from scratch on the same replica, sees the promoted node's data.
					try (KiwiWorkProcess newFollower = KiwiWorkProcess.start(newFollowerFile,
							LOGS.resolve("new-follower.log"), followerArguments(replica))) {
						KiwiWorkClient newFollowerClient = newFollower.awaitHealthy(STARTUP_TIMEOUT);
						awaitReadable(newFollowerClient, tasks, "new follower");
						tasks.add(promotedClient.create("while the new follower follows"));
						awaitReadable(newFollowerClient, tasks, "new follower");
						assertThat(newFollowerClient.pending()).as("pending tasks on the new follower")
							.isEqualTo(promotedClient.pending())
							.isEqualTo(pending(tasks));
						JsonNode newReplication = kiwiDbReplication(newFollowerClient);
						assertThat(newReplication.path("role").asString()).isEqualTo("replica");
						assertThat(newReplication.path("generation").asString())
							.as("the new follower's generation, in %s", newReplication)
							.isEqualTo(kiwiDbReplication(promotedClient).path("generation").asString());
						HttpResponse<String> refusedAgain = newFollowerClient.postTask("written on the new follower");
						assertThat(refusedAgain.statusCode()).as("POST /tasks on the new follower: %s", refusedAgain.body())
							.isGreaterThanOrEqualTo(500);
						assertThat(newFollower.stop()).as("exit status of the new follower, log:%n%s",
								newFollower.logTail())
							.isIn(0, SIGTERM_EXIT_STATUS);
					}
					assertThat(titles(promotedClient.pending())).doesNotContain("written on the new follower");
					assertThat(promoted.stop()).as("exit status of the promoted node, log:%n%s", promoted.logTail())
						.isIn(0, SIGTERM_EXIT_STATUS);
				}
			}
		}
	}

	private static List<String> primaryArguments(Path replica) {
		return List.of("--kiwi.db.replication.enabled=true", "--kiwi.db.replication.url=file:" + replica.toAbsolutePath(),
				"--kiwi.db.replication.sync-interval=200ms",
				"--kiwi.db.replication.lease-timeout=" + LEASE_TIMEOUT.toSeconds() + "s");
	}

	private static List<String> followerArguments(Path replica) {
		return List.of("--kiwi.db.replication.enabled=true", "--kiwi.db.replication.url=file:" + replica.toAbsolutePath(),
				"--kiwi.db.replication.mode=replica", "--kiwi.db.replication.poll-interval=200ms");
	}

	/** Waits until every task reads on {@code client} as it was created or last changed. */
	private static void awaitReadable(KiwiWorkClient client, List<Task> tasks, String node) throws Exception {
		long deadline = System.nanoTime() + REPLICATION_DEADLINE.toNanos();
		for (Task task : tasks) {
			String last = "no answer";
			while (true) {
				HttpResponse<String> response = client.get("/tasks/" + task.id());
				if (response.statusCode() == 200 && KiwiWorkClient.task(response).equals(task)) {
					break;
				}
				last = response.statusCode() + " " + response.body();
				if (System.nanoTime() > deadline) {
					fail("Task %s was not readable on the %s within %s; last answer: %s", task, node,
							REPLICATION_DEADLINE, last);
				}
				Thread.sleep(50);
			}
		}
	}

	/** Waits until the primary reports no pending transaction, so that {@code newest} is in the replica. */
	private static void awaitShipped(KiwiWorkClient primary, Task newest) throws Exception {
		long deadline = System.nanoTime() + REPLICATION_DEADLINE.toNanos();
		JsonNode replication = kiwiDbReplication(primary);
		while (replication.path("pendingTransactions").asInt(-1) != 0) {
			if (System.nanoTime() > deadline) {
				fail("The primary did not ship task %d within %s: %s", newest.id(), REPLICATION_DEADLINE, replication);
			}
			Thread.sleep(50);
			replication = kiwiDbReplication(primary);
		}
	}

	private static void awaitLogged(KiwiWorkProcess process, String text) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!process.logText().contains(text)) {
			if (System.nanoTime() > deadline) {
				fail("The follower did not log \"%s\"; log:%n%s", text, process.logTail());
			}
			Thread.sleep(50);
		}
	}

	private static JsonNode kiwiDbReplication(KiwiWorkClient client) throws IOException {
		JsonNode health = client.health();
		JsonNode replication = health.path("components").path("kiwiDb").path("details").path("replication");
		assertThat(replication.isObject()).as("kiwiDb replication details in %s", health).isTrue();
		return replication;
	}

	private static List<Task> pending(List<Task> tasks) {
		return tasks.stream().filter((task) -> !task.done()).toList();
	}

	private static List<String> titles(List<Task> tasks) {
		return tasks.stream().map(Task::title).toList();
	}

}
