package io.kiwistack.db.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReplicationHealth;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /node/replication}: where this node's replication stands, as {@code {"state": "UP",
 * "details": {"role": "primary", ...}}}, the same details the kiwiDb health indicator shows under
 * {@code replication}. The failover run's nodes ({@link ClusterNodeMain}) serve it instead of
 * {@code /actuator/health}: the actuator is not on this module's class path, and adding it would
 * change the context, and the startup times, of every other Spring target in the report. A GET,
 * so a replica answers it itself and never forwards it.
 */
@RestController
public class NodeReplicationController {

	static final String PATH = "/node/replication";

	private final KiwiDbReplicator replicator;

	public NodeReplicationController(KiwiDbReplicator replicator) {
		this.replicator = replicator;
	}

	@GetMapping(PATH)
	public Map<String, Object> replication() {
		ReplicationHealth health = this.replicator.health();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("state", health.state().name());
		body.put("details", health.details());
		return body;
	}

}
