package io.kiwistack.db.autoconfigure;

/**
 * A property kiwi-db needs for the configuration given is not set: the replica URL of replication
 * that is on, the second half of a pair of credentials. Says why it is needed and how to set it,
 * where Boot's {@code InvalidConfigurationPropertyValueException} would report a value of 'null'.
 */
public class MissingPropertyException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * @param property the property that is not set
	 * @param reason why it is needed, following "Property ... is not set: "
	 * @param action what to set, or what to change instead
	 */
	public MissingPropertyException(String property, String reason, String action) {
		super("Property " + property + " is not set: " + reason);
		this.property = property;
		this.action = action;
	}

	/** The property that is not set. */
	public String property() {
		return this.property;
	}

	/** What to do about it. */
	public String action() {
		return this.action;
	}

}
