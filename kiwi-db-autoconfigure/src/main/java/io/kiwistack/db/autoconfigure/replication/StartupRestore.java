package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.KiwiDbProperties;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReadReplication;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaException;
import io.kiwistack.db.replication.ReplicaRestore;
import io.kiwistack.db.replication.RestoreResult;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Restores a missing database file from its replica before the database opens and before Flyway
 * runs, so a replaced node comes back with its data. Only a replica that holds nothing at all
 * means a fresh start: one whose newest generation can't be restored stops startup, unless
 * {@code kiwi.db.replication.allow-older-generation} lets it fall back. A primary first checks that
 * no other primary holds the replica, and an existing file is never touched. A read replica always
 * starts from the replica: its file is restored when missing, and must be a replica copy when
 * present.
 */
public final class StartupRestore {

	private static final Log logger = LogFactory.getLog(StartupRestore.class);

	private StartupRestore() {
	}

	/**
	 * Restore {@code settings}' database file if replication restores on startup and the file is
	 * missing.
	 */
	public static void restoreIfConfigured(KiwiDbProperties.Replication replication, KiwiDbSettings settings) {
		if (settings.inMemory()) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.enabled", true,
					"An in-memory database (kiwi.db.path=:memory:) can't be replicated; set kiwi.db.path to a file.");
		}
		try (ReplicaClient client = ReplicationPropertiesMapper.client(replication)) {
			Path database = Path.of(settings.path()).toAbsolutePath().normalize();
			if (replication.getMode() == KiwiDbProperties.Mode.REPLICA) {
				try {
					ReadReplication.prepare(database, client, replication.isAllowOlderGeneration());
				}
				catch (ReplicaException ex) {
					if (Files.exists(database)) {
						throw ex;
					}
					throw new StartupRestoreException(database, client.describe(), ex);
				}
				return;
			}
			ReadReplication.forgetFollowing(database);
			if (replication.getRestore() != KiwiDbProperties.Restore.IF_MISSING || Files.exists(database)) {
				return;
			}
			KiwiDbReplicator.checkNoOtherPrimary(client, database);
			Optional<RestoreResult> restored = restore(client, database, replication.isAllowOlderGeneration());
			if (restored.isPresent()) {
				logger.info("Restored " + database + " from " + client.describe() + " at " + restored.get().position());
			}
			else {
				logger.info("Replica " + client.describe() + " holds nothing yet; starting " + database + " fresh");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Restoring the kiwi-db database from its replica failed", ex);
		}
	}

	private static Optional<RestoreResult> restore(ReplicaClient client, Path database, boolean allowOlderGeneration)
			throws IOException {
		try {
			return ReplicaRestore.latest(client, database, allowOlderGeneration);
		}
		catch (ReplicaException ex) {
			throw new StartupRestoreException(database, client.describe(), ex);
		}
	}

}
