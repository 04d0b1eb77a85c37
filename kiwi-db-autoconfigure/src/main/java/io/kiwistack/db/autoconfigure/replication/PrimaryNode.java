package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.CommitAck;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerSettings;
import io.kiwistack.db.replication.ReadReplication;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaException;
import io.kiwistack.db.replication.ReplicaRestore;
import io.kiwistack.db.replication.ReplicationSettings;
import io.kiwistack.db.replication.RestoreResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A primary: it ships every commit to the replica, and restores its database file from the replica
 * on startup when the file is missing, so that a replaced node comes back with its data. Only a
 * replica that holds nothing at all means a fresh start: one whose newest generation can't be
 * restored stops startup, unless {@code kiwi.db.replication.allow-older-generation} lets it fall
 * back. Before restoring it checks that no other primary holds the replica; an existing file is
 * never touched. With {@code peers}, it publishes its advertise URL in its claim and streams its
 * new transactions to the replicas that ask; with {@code commitAck} replica, a commit returns once
 * one of them holds it.
 */
record PrimaryNode(ReplicationSettings settings, Duration unhealthyAfter, boolean restoreIfMissing,
		boolean allowOlderGeneration, PeerSettings peers, CommitAck commitAck) implements ReplicationNode {

	private static final Log logger = LogFactory.getLog(PrimaryNode.class);

	static PrimaryNode of(KiwiDbReplicationProperties properties) {
		PeerSettings peers = ReplicationPropertiesMapper.peers(properties);
		return new PrimaryNode(ReplicationPropertiesMapper.settings(properties),
				ReplicationPropertiesMapper.unhealthyAfter(properties),
				properties.getRestore() == KiwiDbReplicationProperties.Restore.IF_MISSING,
				properties.isAllowOlderGeneration(), peers, ReplicationPropertiesMapper.commitAck(properties, peers));
	}

	@Override
	public void customize(KiwiDbSettings.Builder settings) {
		// The replicator checkpoints; SQLite's own could restart the log over unshipped frames.
		settings.autoCheckpoint(false);
		// After a burst, the log file shrinks back at the next restart, so its size stays a
		// measure of the log for the bound kept while the replica is unreachable.
		settings.journalSizeLimit(ReplicationSettings.DEFAULT_CHECKPOINT_THRESHOLD);
	}

	@Override
	public void prepare(Path database, ReplicaClient client) throws IOException {
		// A read replica promoted to primary: its file is this node's own data from now on.
		ReadReplication.forgetFollowing(database);
		if (!this.restoreIfMissing || Files.exists(database)) {
			return;
		}
		KiwiDbReplicator.checkNoOtherPrimary(client, database);
		Optional<RestoreResult> restored = restore(client, database);
		if (restored.isPresent()) {
			logger.info("Restored " + database + " from " + client.describe() + " at " + restored.get().position());
		}
		else {
			logger.info("Replica " + client.describe() + " holds nothing yet; starting " + database + " fresh");
		}
	}

	private Optional<RestoreResult> restore(ReplicaClient client, Path database) throws IOException {
		try {
			return ReplicaRestore.latest(client, database, this.allowOlderGeneration);
		}
		catch (ReplicaException ex) {
			throw new StartupRestoreException(database, client.describe(), ex);
		}
	}

	@Override
	public KiwiDbReplicator replicator(KiwiDataSource dataSource, ReplicaClient client) {
		return KiwiDbReplicator.primary(dataSource, client, this.settings, this.unhealthyAfter, this.peers,
				this.commitAck);
	}

}
