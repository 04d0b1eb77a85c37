package io.kiwistack.db.autoconfigure.init;

import java.util.List;

/**
 * A schema script in Boot's {@code embedded} mode creates objects some of which exist in the
 * kiwi-db database and some of which don't: the script would fail on the first, and skipping it
 * would leave the others missing.
 */
public class SchemaScriptPartlyAppliedException extends RuntimeException {

	private final String script;

	private final List<String> present;

	private final List<String> missing;

	private final String modeProperty;

	SchemaScriptPartlyAppliedException(String script, List<SchemaObject> present, List<SchemaObject> missing,
			String modeProperty) {
		super("The database has " + present + " but not " + missing + ", which " + script + " creates");
		this.script = script;
		this.present = present.stream().map(SchemaObject::toString).toList();
		this.missing = missing.stream().map(SchemaObject::toString).toList();
		this.modeProperty = modeProperty;
	}

	/** The script, as its resource describes itself. */
	public String script() {
		return this.script;
	}

	/** The script's objects that exist. */
	public List<String> present() {
		return this.present;
	}

	/** The script's objects that don't exist. */
	public List<String> missing() {
		return this.missing;
	}

	/** The property that sets the mode of the script's initializer. */
	public String modeProperty() {
		return this.modeProperty;
	}

}
