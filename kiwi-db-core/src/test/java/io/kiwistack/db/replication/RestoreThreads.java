package io.kiwistack.db.replication;

import java.util.List;

/** The threads a restore starts beside its caller's, so tests can check none outlives it. */
final class RestoreThreads {

	private RestoreThreads() {
	}

	/** The names of the restore threads still running. */
	static List<String> alive() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("kiwi-db-restore-"))
			.toList();
	}

}
