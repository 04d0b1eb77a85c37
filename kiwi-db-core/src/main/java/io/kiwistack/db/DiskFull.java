package io.kiwistack.db;

import java.time.Instant;

/**
 * Writes to the database fail because the disk (or the database, at {@code max_page_count}) is
 * full: SQLite answers {@code SQLITE_FULL}. Reads still work, and nothing committed is lost.
 *
 * @param since when the first of the failing writes failed
 * @param error what SQLite reported for the latest of them
 */
public record DiskFull(Instant since, String error) {
}
