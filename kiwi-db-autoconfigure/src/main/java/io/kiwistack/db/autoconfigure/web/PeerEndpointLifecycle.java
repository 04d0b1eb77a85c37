package io.kiwistack.db.autoconfigure.web;

import java.util.function.Supplier;

import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerEndpoint;
import io.kiwistack.db.replication.PeerSettings;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.function.SingletonSupplier;

/**
 * The node's one {@link PeerEndpoint}, created at its first request, and stopped before the web
 * server's graceful shutdown: a follower's long poll would otherwise hold the shutdown, and with it
 * the handoff to the next primary, for up to its wait. Stopped, the endpoint answers the waiting
 * polls at once and new ones with {@code 503}, and the followers look for the next primary.
 */
final class PeerEndpointLifecycle implements SmartLifecycle, Supplier<PeerEndpoint> {

	/** Above the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}): higher phases stop first. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private final SingletonSupplier<PeerEndpoint> endpoint;

	private volatile boolean running;

	PeerEndpointLifecycle(ObjectProvider<KiwiDbReplicator> replicator, PeerSettings peers) {
		// The server starts its filters and servlets before the application's beans are created:
		// the replicator is created with the other beans, not by the server's startup thread.
		this.endpoint = SingletonSupplier.of(() -> new PeerEndpoint(replicator.getObject(), peers.secret()));
	}

	@Override
	public PeerEndpoint get() {
		return this.endpoint.obtain();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		get().stop();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
