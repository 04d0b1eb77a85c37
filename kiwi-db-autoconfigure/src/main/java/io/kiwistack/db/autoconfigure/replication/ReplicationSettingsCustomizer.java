package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.KiwiDbSettingsCustomizer;
import io.kiwistack.db.replication.ReplicaClient;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Opens the database the way its {@link ReplicationNode} needs, and makes its file ready before it
 * opens and before Flyway runs: a primary restores a missing file from the replica, a read replica
 * starts from the replica's copy.
 */
final class ReplicationSettingsCustomizer implements KiwiDbSettingsCustomizer {

	private final KiwiDbReplicationProperties properties;

	private final ReplicationNode node;

	ReplicationSettingsCustomizer(KiwiDbReplicationProperties properties, ReplicationNode node) {
		this.properties = properties;
		this.node = node;
	}

	@Override
	public void customize(KiwiDbSettings.Builder settings) {
		this.node.customize(settings);
	}

	@Override
	public KiwiDbSettings settingsToOpen(KiwiDbSettings settings) {
		return this.node.settingsToOpen(settings);
	}

	@Override
	public void beforeOpen(KiwiDbSettings settings) {
		if (settings.inMemory()) {
			throw new InvalidConfigurationPropertyValueException("kiwi.db.replication.enabled", true,
					"An in-memory database (kiwi.db.path=:memory:) can't be replicated; set kiwi.db.path to a file.");
		}
		Path database = Path.of(settings.path()).toAbsolutePath().normalize();
		try (ReplicaClient client = ReplicationPropertiesMapper.client(this.properties)) {
			try {
				this.node.prepare(database, client);
			}
			catch (IOException ex) {
				throw new ReplicaUnreachableException(database, client.describe(), ex);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Closing the client of replica " + this.properties.getUrl() + " failed", ex);
		}
	}

}
