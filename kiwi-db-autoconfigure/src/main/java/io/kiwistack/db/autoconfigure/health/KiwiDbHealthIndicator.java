package io.kiwistack.db.autoconfigure.health;

import io.kiwistack.db.DatabaseStatus;
import io.kiwistack.db.KiwiDataSource;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the kiwi-db database UP with its path, sizes, journal mode and SQLite version, or DOWN
 * with the reason it can't be read.
 */
public class KiwiDbHealthIndicator extends AbstractHealthIndicator {

	private final KiwiDataSource dataSource;

	public KiwiDbHealthIndicator(KiwiDataSource dataSource) {
		super("kiwi-db health check failed");
		this.dataSource = dataSource;
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
	}

}
