package io.kiwistack.db;

/**
 * How the SQLite driver stores a {@code java.sql.Timestamp}, {@code Date} or {@code Time} that a
 * statement binds (JDBC's {@code setTimestamp}, and so Hibernate's timestamps). Reading is the
 * driver's own: a column value is read by its storage class, so a text value is parsed with
 * {@link KiwiDbSettings#dateStringFormat()} whatever this setting says.
 */
public enum DateClass {

	/**
	 * A number of {@link KiwiDbSettings#datePrecision() seconds or milliseconds} since 1970 (the
	 * driver's default).
	 */
	INTEGER,

	/**
	 * Text in {@link KiwiDbSettings#dateStringFormat()}; readable by SQLite's date and time functions
	 * when the format is ISO-8601-like.
	 */
	TEXT,

	/**
	 * A Julian day number, as SQLite's {@code julianday()} returns it.
	 */
	REAL

}
