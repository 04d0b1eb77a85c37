package io.kiwistack.db;

/**
 * The unit of a date the driver stores as a number ({@link DateClass#INTEGER}), and reads back from
 * an integer column value.
 */
public enum DatePrecision {

	/**
	 * Seconds since 1970, as SQLite's {@code unixepoch()} and {@code strftime('%s')} count.
	 */
	SECONDS,

	/**
	 * Milliseconds since 1970 (the driver's default).
	 */
	MILLISECONDS

}
