package io.kiwistack.db.autoconfigure.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.kiwistack.db.DatabaseStatus;
import io.kiwistack.db.DiskFull;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReplicationHealth;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Reports the kiwi-db database UP with its path, sizes, journal mode, SQLite version and the space
 * on its file system, or DOWN with the reason it can't be read, or while writes fail because the
 * disk is full. With replication on, it adds where replication stands, reports
 * {@link #DEGRADED} while a primary's shipping fails, and DOWN once a primary's replication has been failing for longer than
 * {@code kiwi.db.replication.unhealthy-after}, or a read replica is further behind than
 * {@code kiwi.db.replication.max-lag}.
 */
public class KiwiDbHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Replication is failing, not yet for longer than {@code kiwi.db.replication.unhealthy-after}:
	 * the database works, commits are kept locally and shipped once the replica answers. Add it to
	 * {@code management.endpoint.health.status.order} to let it change the overall status.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Replication is failing; commits are kept locally");

	private final KiwiDataSource dataSource;

	private final KiwiDbReplicator replicator;

	public KiwiDbHealthIndicator(KiwiDataSource dataSource) {
		this(dataSource, null);
	}

	public KiwiDbHealthIndicator(KiwiDataSource dataSource, KiwiDbReplicator replicator) {
		super("kiwi-db health check failed");
		this.dataSource = dataSource;
		this.replicator = replicator;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		DatabaseStatus status = this.dataSource.status();
		builder.up()
			.withDetail("path", status.path())
			.withDetail("fileSize", status.fileSize())
			.withDetail("walSize", status.walSize())
			.withDetail("journalMode", status.journalMode())
			.withDetail("sqliteVersion", status.sqliteVersion());
		FileStore store = null;
		if (this.dataSource.file().isPresent()) {
			// Says why "database is locked" answers anyone else who opens the file meanwhile.
			builder.withDetail("fileLocking", this.dataSource.processExclusive() ? "process-exclusive" : "shared");
			store = Files.getFileStore(this.dataSource.file().get().path().getParent());
			builder.withDetail("disk", diskDetails(store));
		}
		addReplication(builder);
		Optional<DiskFull> diskFull = this.dataSource.diskFull();
		if (diskFull.isPresent()) {
			builder.down().withDetail("error", diskFullError(diskFull.get(), store));
		}
	}

	private static Map<String, Object> diskDetails(FileStore store) throws IOException {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("fileStore", store.toString());
		details.put("free", store.getUsableSpace());
		details.put("total", store.getTotalSpace());
		return details;
	}

	private static String diskFullError(DiskFull diskFull, FileStore store) throws IOException {
		String where = (store != null) ? "; " + store.getUsableSpace() + " bytes free on " + store : "";
		return "Writes fail: database or disk is full (SQLITE_FULL) since " + diskFull.since() + where
				+ ". Free space there; health is UP again once a write commits";
	}

	private void addReplication(Health.Builder builder) {
		if (this.replicator == null) {
			return;
		}
		ReplicationHealth health = this.replicator.health();
		builder.withDetail("replication", health.details());
		switch (health.state()) {
			case DOWN -> builder.down();
			case DEGRADED -> builder.status(DEGRADED);
			case UP -> {
			}
		}
	}

}
