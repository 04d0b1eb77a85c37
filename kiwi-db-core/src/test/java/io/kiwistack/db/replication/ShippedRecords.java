package io.kiwistack.db.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** For tests that need several generations: a clean restart resumes its generation otherwise. */
final class ShippedRecords {

	private ShippedRecords() {
	}

	/** Forget which generation {@code database} was shipped to, so that its next start begins a new one. */
	static void forget(Path database) throws IOException {
		Files.deleteIfExists(ShippedRecord.path(database.toAbsolutePath().normalize()));
	}

}
