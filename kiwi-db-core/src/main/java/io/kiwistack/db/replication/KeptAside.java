package io.kiwistack.db.replication;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A primary's database that must not be followed over: the node was the primary, another node
 * took over, and what this file holds past the replica's history (transactions committed here but
 * never shipped) would be lost or, worse, mixed into another history. It is moved aside whole,
 * with its write-ahead log and its shipping record, under a name that says when, and never merged:
 * someone who needs those transactions opens the kept file with {@code sqlite3} and compares.
 */
final class KeptAside {

	private static final System.Logger logger = System.getLogger(KeptAside.class.getName());

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	/** The companions that belong to the file's state; SQLite's {@code -shm} is rebuilt from the log. */
	private static final String[] COMPANIONS = { "-wal", "-shm" };

	private KeptAside() {
	}

	/**
	 * Move {@code database}, with its log, aside.
	 * @param why why it can't be followed over, for the log
	 * @return where it is now
	 */
	static Path move(Path database, String why) throws IOException {
		Path kept = keptName(database);
		// The log first: SQLite must never find the kept file without the log it belongs to.
		for (String companion : COMPANIONS) {
			Path from = database.resolveSibling(database.getFileName() + companion);
			if (Files.exists(from)) {
				Files.move(from, kept.resolveSibling(kept.getFileName() + companion), StandardCopyOption.ATOMIC_MOVE);
			}
		}
		Files.move(database, kept, StandardCopyOption.ATOMIC_MOVE);
		Files.deleteIfExists(ShippedRecord.path(database));
		logger.log(Level.ERROR, "Kept " + database + " aside as " + kept + " (with its log, if any): " + why + ". It may "
				+ "hold transactions committed on this node that were never shipped; they are not merged into the "
				+ "replica's history. This node now follows the primary; open the kept file to recover them");
		return kept;
	}

	private static Path keptName(Path database) {
		String base = database.getFileName() + ".kept-" + LocalDateTime.now().format(STAMP);
		Path kept = database.resolveSibling(base);
		for (int n = 2; Files.exists(kept); n++) {
			kept = database.resolveSibling(base + "-" + n);
		}
		return kept;
	}

}
