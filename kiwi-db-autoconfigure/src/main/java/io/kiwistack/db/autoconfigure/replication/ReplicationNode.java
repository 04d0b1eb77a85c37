package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.Path;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerSettings;
import io.kiwistack.db.replication.ReplicaClient;

/**
 * The part this node plays in replication, decided once, from {@code kiwi.db.replication.mode}: a
 * {@link PrimaryNode} ships its commits to the replica, a {@link ReadReplicaNode} follows the replica
 * read-only. Everything that differs between the two is asked of it (how the database opens, how
 * its file is made ready before that, which {@link KiwiDbReplicator} runs), so that nothing else
 * asks which role this node plays.
 */
sealed interface ReplicationNode permits PrimaryNode, ReadReplicaNode, AutoNode {

	/**
	 * The node {@code kiwi.db.replication.*} describe. Their values are checked here, so that a bad
	 * one stops startup before the database is touched.
	 */
	static ReplicationNode of(KiwiDbReplicationProperties properties) {
		// The replica client applies the encryption; its keys are checked now, before the file is touched.
		ReplicationPropertiesMapper.encryption(properties);
		// The cluster's web filters use these as they are; a bad one stops startup here, not at a request.
		ReplicationPropertiesMapper.readYourWritesTimeout(properties);
		ReplicationPropertiesMapper.forwardTimeout(properties);
		ReplicationPropertiesMapper.commitAckTimeout(properties);
		return switch (properties.getMode()) {
			case REPLICA -> ReadReplicaNode.of(properties);
			case AUTO -> AutoNode.of(properties);
			default -> PrimaryNode.of(properties);
		};
	}

	/** How this node reaches its peers and proves it is one; {@code null} without a peer secret. */
	PeerSettings peers();

	/**
	 * Change the settings the database opens with for this role.
	 * @param settings the database's settings, not yet built
	 */
	void customize(KiwiDbSettings.Builder settings);

	/**
	 * The settings the database opens with, once {@link #prepare} made the file ready: those given,
	 * for a role decided from the start.
	 */
	default KiwiDbSettings settingsToOpen(KiwiDbSettings settings) {
		return settings;
	}

	/** Whether Flyway migrates this node's database as it starts: only the primary's. */
	default boolean migratesAtStart() {
		return true;
	}

	/**
	 * Make the database file ready for this role, before it opens.
	 * @param database the database file, absolute
	 * @param client the replica, closed by the caller
	 */
	void prepare(Path database, ReplicaClient client) throws IOException;

	/**
	 * The replication this role runs over the open database, not started yet.
	 * @param client the replica, closed with the replicator
	 */
	KiwiDbReplicator replicator(KiwiDataSource dataSource, ReplicaClient client);

}
