package io.kiwistack.db.replication;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.file.FileReplicaClient;

/**
 * A primary run in a JVM of its own by {@link ReplicationCrashTests}, to be killed with SIGKILL:
 * kiwi-db with replication to a directory, committing single-row transactions with ids 1, 2, 3...
 * in a loop, and printing {@code ack <id> <epochMillis>} after each commit returned.
 * <p>
 * Arguments: the database file, the replica directory, the sync interval in milliseconds, the
 * checkpoint threshold in bytes, and a pause after each commit in microseconds (0: as fast as it
 * can).
 */
public final class AckingWriter {

	private AckingWriter() {
	}

	public static void main(String[] args) throws Exception {
		Path database = Path.of(args[0]);
		Path replica = Path.of(args[1]);
		Duration syncInterval = Duration.ofMillis(Long.parseLong(args[2]));
		long checkpointThreshold = Long.parseLong(args[3]);
		long pauseNanos = Long.parseLong(args[4]) * 1000;
		PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
		KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(database.toString()).autoCheckpoint(false).build());
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE acked (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
		}
		Replicator replicator = new Replicator(dataSource, new FileReplicaClient(replica), ReplicationSettings.defaults()
			.withSyncInterval(syncInterval)
			.withCheckpointThresholdBytes(checkpointThreshold));
		replicator.start();
		out.println("ready");
		out.flush();
		for (long id = 1;; id++) {
			try (Connection connection = dataSource.getConnection();
					PreparedStatement insert = connection.prepareStatement("INSERT INTO acked (id, payload) VALUES (?, ?)")) {
				insert.setLong(1, id);
				insert.setBytes(2, payload(id));
				insert.executeUpdate();
			}
			out.println("ack " + id + " " + System.currentTimeMillis());
			out.flush();
			if (pauseNanos > 0) {
				LockSupport.parkNanos(pauseNanos);
			}
		}
	}

	/**
	 * The row's payload, a function of its id so that a restore can be checked byte for byte: a
	 * few hundred bytes, and every 50th row bigger than a page.
	 */
	static byte[] payload(long id) {
		Random random = new Random(id);
		byte[] payload = new byte[(id % 50 == 0) ? 6000 : 100 + random.nextInt(400)];
		// Half random, half a repeated byte: partly compressible, like real rows.
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (i % 2 == 0) ? (byte) random.nextInt() : (byte) id;
		}
		return payload;
	}

}
