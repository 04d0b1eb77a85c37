package io.kiwistack.db.replication;

/**
 * What a primary has shipped, as one immutable value: the replicator replaces it whole after each
 * durable segment and publishes it through one volatile reference, so status and health read a
 * consistent state from any thread.
 */
sealed interface ShippingState {

	/** The last position shipped, {@code null} before anything was. */
	Position position();

	/**
	 * No generation is being shipped: none was started yet, or continuity with the last one was
	 * lost. The next sync starts a new one (or resumes, at start).
	 *
	 * @param reason why the next generation starts, for the log
	 * @param position the last position shipped, {@code null} before anything was
	 */
	record NoGeneration(String reason, Position position) implements ShippingState {
	}

	/**
	 * A generation's log being shipped.
	 *
	 * @param log how far it is shipped
	 * @param checkpointedEverythingShipped whether a checkpoint copied every frame shipped into the
	 * database file and none past them: then SQLite may restart the log, and its next log
	 * continues this generation as the next index
	 */
	record Shipping(LogProgress log, boolean checkpointedEverythingShipped) implements ShippingState {

		@Override
		public Position position() {
			return this.log.position();
		}

		Shipping moved(LogProgress log) {
			return new Shipping(log, false);
		}

		Shipping checkpointed(boolean everythingShipped) {
			return new Shipping(this.log, everythingShipped);
		}

	}

}
