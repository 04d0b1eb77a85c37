package io.kiwistack.db.benchmarks;

/**
 * A target measured by the timed runs (not a ratio of two JMH figures): what it compares, the
 * value measured and the value wanted as printed, and whether it is met.
 */
record TimedTarget(String label, String measured, String wanted, boolean met) {

	String verdict() {
		return this.met ? "MET" : "NOT MET";
	}

}
