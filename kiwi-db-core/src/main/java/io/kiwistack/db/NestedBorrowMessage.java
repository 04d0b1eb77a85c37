package io.kiwistack.db;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What kiwi-db says when a thread that holds the writer connection asks for it again while a
 * transaction is open on it: which unit of work holds it, which one asks, the application code on
 * the way (read from the thread's own stack, where both are), and the ways out.
 */
final class NestedBorrowMessage {

	/** Frames of these packages are plumbing, not the application's code. */
	private static final String[] PLUMBING = { "java.", "javax.", "jdk.", "sun.", "jakarta.", "org.springframework.",
			"org.hibernate.", "org.sqlite.", "io.kiwistack.db.autoconfigure.",
			"io.kiwistack.db.replication.", "io.kiwistack.db.test.", "org.junit.", "org.apache.", "com.zaxxer.",
			"org.mybatis.", "org.jooq.", "net.javacrumbs.", "org.quartz.", "liquibase.", "org.flywaydb.",
			"org.gradle.", "org.eclipse.", "com.intellij." };

	private static final int FRAMES = 6;

	private NestedBorrowMessage() {
	}

	static String whileTransactionOpen(Thread thread, String holder, String asking, Duration held) {
		return "Thread '" + thread.getName() + "' asked for a second kiwi-db writer connection while a transaction "
				+ "it opened on the first is still open (" + describe(holder) + ", open for " + held.toMillis()
				+ " ms). SQLite has one write lock, held by that transaction, so the second connection could only "
				+ "wait for the first, which waits for it: it fails now instead. Asking: " + describe(asking)
				+ ". Application code on the way: " + applicationFrames() + ". Ways out: join the outer transaction "
				+ "(propagation REQUIRED); run the inner work after the outer one commits (for example in a "
				+ "@TransactionalEventListener(phase = AFTER_COMMIT) with REQUIRES_NEW, which works on kiwi-db); or, "
				+ "for work that only reads, make it @Transactional(readOnly = true), which reads on a reader "
				+ "connection.";
	}

	static String insideAnothersTransaction(Thread thread, String holder) {
		return "Thread '" + thread.getName() + "' holds the kiwi-db writer connection through two handles, and one "
				+ "of them tried to run a statement (or commit) while the other has a transaction open ("
				+ describe(holder) + "). Its work would silently become part of that transaction: it fails instead. "
				+ "Application code on the way: " + applicationFrames() + ". Finish the open transaction first, or "
				+ "run this work in it.";
	}

	private static String describe(String transaction) {
		return (transaction != null) ? "transaction '" + transaction + "'" : "no named transaction";
	}

	private static String applicationFrames() {
		List<String> frames = new ArrayList<>();
		for (StackTraceElement frame : Thread.currentThread().getStackTrace()) {
			if (!plumbing(frame.getClassName())) {
				frames.add(frame.toString());
				if (frames.size() == FRAMES) {
					break;
				}
			}
		}
		return frames.isEmpty() ? "none outside frameworks" : String.join(" <- ", frames);
	}

	private static boolean plumbing(String className) {
		if (className.startsWith("io.kiwistack.db.") && className.indexOf('.', "io.kiwistack.db.".length()) < 0) {
			return true;
		}
		for (String prefix : PLUMBING) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
