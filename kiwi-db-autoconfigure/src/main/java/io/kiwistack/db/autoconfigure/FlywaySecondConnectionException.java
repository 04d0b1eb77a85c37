package io.kiwistack.db.autoconfigure;

/**
 * A {@code spring.flyway.*} property asks Flyway to open its own connection, beside kiwi-db's
 * single writer.
 */
public class FlywaySecondConnectionException extends RuntimeException {

	private final String property;

	public FlywaySecondConnectionException(String property) {
		super("Property '" + property + "' makes Flyway open a second connection to the kiwi-db database");
		this.property = property;
	}

	/** The property that is set. */
	public String property() {
		return this.property;
	}

}
