package io.kiwistack.db.replication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;

import io.kiwistack.db.replication.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cost that grew with the data: a restart used to re-upload the whole database as a new
 * snapshot. A clean restart of a 1 GB database now ships only its new transactions, and the
 * replica still restores, by kiwi-db and by the real {@code litestream}, to the live database.
 */
class LargeDatabaseResumeTests {

	private static final long ONE_GIGABYTE = 1024L * 1024 * 1024;

	@TempDir
	Path dir;

	@Test
	void aCleanRestartOfAOneGigabyteDatabaseUploadsLessThanOneMegabyte() throws Exception {
		Path database = this.dir.resolve("large.db");
		Path replica = this.dir.resolve("replica");
		// The database, the replica and a restore at a time: a machine short of disk can't show this.
		long usable = Files.getFileStore(this.dir).getUsableSpace();
		assumeTrue(usable >= 4 * ONE_GIGABYTE,
				"needs 4 GB free in " + this.dir + " for a 1 GB database, its replica and a restore; " + usable
						+ " bytes are free");
		writeOneGigabyte(database);
		assertThat(Files.size(database)).as("database size").isGreaterThanOrEqualTo(ONE_GIGABYTE);

		String generation = GenerationResumeTests.session(database, new FileReplicaClient(replica), 1, 100);
		long before = GenerationResumeTests.bytesUnder(replica.resolve("generations"));
		String resumed = GenerationResumeTests.session(database, new FileReplicaClient(replica), 101, 100);
		long uploaded = GenerationResumeTests.bytesUnder(replica.resolve("generations")) - before;
		System.out.printf("Clean restart of a %d-byte database: %d bytes uploaded to the replica (%d before)%n",
				Files.size(database), uploaded, before);
		assertThat(resumed).as("the generation after a clean restart").isEqualTo(generation);
		assertThat(uploaded).as("bytes uploaded by a clean restart").isLessThan(1024L * 1024);

		String live = digest(database);
		Path byKiwi = this.dir.resolve("restored-by-kiwi.db");
		new Restorer(new FileReplicaClient(replica)).restoreLatest(byKiwi).orElseThrow();
		assertThat(digest(byKiwi)).as("restored by kiwi-db").isEqualTo(live);
		Files.delete(byKiwi);
		Path byLitestream = this.dir.resolve("restored-by-litestream.db");
		Litestream.run("restore", "-o", byLitestream.toString(), "file://" + replica);
		assertThat(digest(byLitestream)).as("restored by litestream").isEqualTo(live);
	}

	/** 1 GB of rows, each a little random data and much that compresses, written before kiwi-db opens the file. */
	private static void writeOneGigabyte(Path database) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA journal_mode = WAL");
			statement.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
			for (int batch = 0; batch < 17; batch++) {
				statement.execute("INSERT INTO blobs (data) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
						+ "FROM n WHERE i < 16384) SELECT randomblob(64) || zeroblob(3900) FROM n");
			}
			statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		}
	}

	/** A SHA-256 of every row of every table, in order. */
	private static String digest(Path database) throws Exception {
		MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			for (String table : new String[] { "blobs", "items" }) {
				try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
					int columns = rows.getMetaData().getColumnCount();
					while (rows.next()) {
						for (int column = 1; column <= columns; column++) {
							byte[] value = rows.getBytes(column);
							sha256.update((value != null) ? value : new byte[] { -1 });
						}
					}
				}
			}
		}
		return HexFormat.of().formatHex(sha256.digest());
	}

}
