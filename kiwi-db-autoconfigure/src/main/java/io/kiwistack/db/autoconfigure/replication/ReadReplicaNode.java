package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.kiwistack.db.DatabaseFileException;
import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerSettings;
import io.kiwistack.db.replication.ReadReplication;
import io.kiwistack.db.replication.ReplicaClient;
import io.kiwistack.db.replication.ReplicaException;

/**
 * A read replica: it follows the replica and serves reads, and refuses writes, naming where they
 * go. It always starts from the replica: its file is restored when missing, and must be a replica
 * copy when present. With {@code peers}, it streams new transactions from the primary its claim
 * names, and polls the replica whenever that primary can't be reached.
 */
record ReadReplicaNode(String replicaUrl, Duration pollInterval, Duration maxLag, boolean allowOlderGeneration,
		PeerSettings peers) implements ReplicationNode {

	static ReadReplicaNode of(KiwiDbReplicationProperties properties) {
		return new ReadReplicaNode(properties.getUrl(), ReplicationPropertiesMapper.pollInterval(properties),
				ReplicationPropertiesMapper.maxLag(properties), properties.isAllowOlderGeneration(),
				ReplicationPropertiesMapper.peers(properties));
	}

	@Override
	public void customize(KiwiDbSettings.Builder settings) {
		settings.replicaOf(this.replicaUrl);
	}

	@Override
	public boolean migratesAtStart() {
		return false;
	}

	@Override
	public void prepare(Path database, ReplicaClient client) throws IOException {
		try {
			ReadReplication.prepare(database, client, this.allowOlderGeneration);
		}
		catch (ReplicaException ex) {
			// An existing file that is no replica copy is refused as a file kiwi-db can't use; a
			// missing one that could not be restored is explained like a primary's failed restore.
			if (Files.exists(database)) {
				throw new DatabaseFileException(database, "it exists but is not a read replica's copy, and a read "
						+ "replica (kiwi.db.replication.mode=replica) never overwrites a file", "Move it away, with its "
								+ "-wal and -shm if any, and the read replica restores its own copy from "
								+ "kiwi.db.replication.url at the next start; if this node is the primary, set "
								+ "kiwi.db.replication.mode=primary",
						ex);
			}
			throw new StartupRestoreException(database, client.describe(), ex);
		}
	}

	@Override
	public KiwiDbReplicator replicator(KiwiDataSource dataSource, ReplicaClient client) {
		return KiwiDbReplicator.readReplica(dataSource, client, this.pollInterval, this.maxLag, this.peers);
	}

}
