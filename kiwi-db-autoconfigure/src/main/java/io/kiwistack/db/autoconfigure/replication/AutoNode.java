package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.Path;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.replication.AutoSettings;
import io.kiwistack.db.replication.AutoStart;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerSettings;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaException;

/**
 * A node in {@code auto} mode: the node that holds the replica's claim is the primary, the others
 * follow it and take over when it is gone. Which role it starts in is decided from the claim as
 * its file is made ready ({@link AutoStart}), and the database opens for that role; the
 * {@link KiwiDbReplicator} it runs changes the role in place later. It needs a peer secret and an
 * advertise URL: the other nodes stream from it and forward writes to it when it is the primary.
 */
final class AutoNode implements ReplicationNode {

	private final PrimaryNode asPrimary;

	private final ReadReplicaNode asReplica;

	private final KiwiDbReplicationProperties properties;

	private AutoStart start;

	private AutoSettings settings;

	private AutoNode(KiwiDbReplicationProperties properties, PrimaryNode asPrimary, ReadReplicaNode asReplica) {
		this.properties = properties;
		this.asPrimary = asPrimary;
		this.asReplica = asReplica;
	}

	static AutoNode of(KiwiDbReplicationProperties properties) {
		PrimaryNode asPrimary = PrimaryNode.of(properties);
		if (asPrimary.peers() == null || asPrimary.peers().advertiseUrl() == null) {
			String missing = (asPrimary.peers() == null) ? "kiwi.db.replication.peer-secret"
					: "kiwi.db.replication.advertise-url";
			throw new MissingPropertyException(missing, "kiwi.db.replication.mode is auto, and the nodes of an auto "
					+ "cluster reach the primary at its advertise URL, proving who they are with the secret they share.",
					"Set kiwi.db.replication.peer-secret (" + ReplicationPropertiesMapper.HOW_TO_SET_THE_SECRET
							+ ") and kiwi.db.replication.advertise-url (the base URL at which the other nodes reach this "
							+ "one, for example http://10.0.0.5:8080), or set kiwi.db.replication.mode to primary or replica.");
		}
		return new AutoNode(properties, asPrimary, ReadReplicaNode.of(properties));
	}

	@Override
	public PeerSettings peers() {
		return this.asPrimary.peers();
	}

	/** Nothing before the role is known: {@link #settingsToOpen} gives each role's settings. */
	@Override
	public void customize(KiwiDbSettings.Builder settings) {
	}

	@Override
	public void prepare(Path database, ReplicaClient client) throws IOException {
		try {
			this.start = AutoStart.prepare(database, client, this.asPrimary.settings().leaseTimeout(),
					peers().advertiseUrl(), this.properties.isAllowOlderGeneration());
		}
		catch (ReplicaException ex) {
			throw new StartupRestoreException(database, client.describe(), ex);
		}
	}

	@Override
	public KiwiDbSettings settingsToOpen(KiwiDbSettings settings) {
		KiwiDbSettings.Builder primary = settings.toBuilder().replicaOf(null);
		this.asPrimary.customize(primary);
		KiwiDbSettings.Builder replica = settings.toBuilder();
		this.asReplica.customize(replica);
		this.settings = new AutoSettings(primary.build(), replica.build(), this.asPrimary.settings(),
				this.asReplica.pollInterval(), this.asReplica.maxLag(), this.asPrimary.unhealthyAfter(),
				this.properties.isAllowOlderGeneration(), peers(), this.asPrimary.commitAck());
		return started().opensAsPrimary() ? this.settings.asPrimary() : this.settings.asReplica();
	}

	/** Flyway migrates on the node that starts as the primary; the others receive its schema. */
	@Override
	public boolean migratesAtStart() {
		return started().opensAsPrimary();
	}

	@Override
	public KiwiDbReplicator replicator(KiwiDataSource dataSource, ReplicaClient client) {
		return KiwiDbReplicator.auto(dataSource, client, this.settings, started());
	}

	private AutoStart started() {
		if (this.start == null) {
			throw new IllegalStateException("The database file of a node in auto mode is made ready before it opens");
		}
		return this.start;
	}

}
