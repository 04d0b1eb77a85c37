package io.kiwistack.db;

/**
 * What a look at an open database found: where it is, how big it and its write-ahead log are, and
 * what SQLite reports about itself.
 *
 * @param path the database file, or {@code :memory:}
 * @param fileSize the database file's size in bytes
 * @param walSize the write-ahead log's size in bytes
 * @param journalMode the journal mode SQLite reports
 * @param sqliteVersion the SQLite library's version
 */
public record DatabaseStatus(String path, long fileSize, long walSize, String journalMode, String sqliteVersion) {
}
