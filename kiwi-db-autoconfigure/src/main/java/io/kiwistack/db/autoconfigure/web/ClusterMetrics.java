package io.kiwistack.db.autoconfigure.web;

/**
 * What the cluster's filters measure: forwarded requests and read-your-writes waits. Micrometer is
 * optional; without it nothing is recorded.
 */
interface ClusterMetrics {

	/** Records nothing. */
	ClusterMetrics NONE = new ClusterMetrics() {

		@Override
		public void forwarded(String outcome, int status, long nanos) {
		}

		@Override
		public void readYourWritesWait(String outcome, long nanos) {
		}

	};

	/**
	 * A write request a read replica forwarded, or tried to.
	 * @param outcome {@code forwarded}, {@code unreachable}, {@code timeout}, {@code failed},
	 * {@code no-primary} or {@code loop}
	 * @param status the status the client got
	 */
	void forwarded(String outcome, int status, long nanos);

	/**
	 * A wait for a client's last write to be applied here.
	 * @param outcome {@code reached} or {@code timeout}
	 */
	void readYourWritesWait(String outcome, long nanos);

}
