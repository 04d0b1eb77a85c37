package io.kiwistack.db.autoconfigure.init;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A table, index, view or trigger of the main database, as a SQL script creates it and as
 * {@code sqlite_schema} lists it.
 *
 * @param type {@code table}, {@code index}, {@code view} or {@code trigger}
 * @param name the object's name, unquoted, in SQLite's case-insensitive form (ASCII lower case)
 */
record SchemaObject(String type, String name) {

	private static final String NAME = "(?:\"(?:[^\"]|\"\")+\"|\\[[^\\]]+\\]|`(?:[^`]|``)+`|[\\p{L}_][\\p{L}\\p{N}_$]*)";

	private static final Pattern CREATE = Pattern.compile("\\bCREATE\\s+(?:(TEMP|TEMPORARY)\\s+)?(?:UNIQUE\\s+)?"
			+ "(?:VIRTUAL\\s+)?(TABLE|INDEX|VIEW|TRIGGER)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(" + NAME + ")(?:\\s*\\.\\s*("
			+ NAME + "))?", Pattern.CASE_INSENSITIVE);

	static SchemaObject of(String type, String name) {
		return new SchemaObject(asciiLowerCase(type), asciiLowerCase(name));
	}

	/**
	 * The objects of the main database that a script's {@code CREATE} statements create; temporary
	 * ones and those of attached databases are left out.
	 * @param script the script's text
	 * @return the objects, in the order the script creates them
	 */
	static List<SchemaObject> createdBy(String script) {
		List<SchemaObject> objects = new ArrayList<>();
		Matcher matcher = CREATE.matcher(withoutCommentsAndLiterals(script));
		while (matcher.find()) {
			String schema = (matcher.group(4) != null) ? unquote(matcher.group(3)) : null;
			String name = unquote((matcher.group(4) != null) ? matcher.group(4) : matcher.group(3));
			if (matcher.group(1) == null && (schema == null || "main".equalsIgnoreCase(schema))) {
				objects.add(of(matcher.group(2), name));
			}
		}
		return objects;
	}

	/**
	 * The script with comments blanked out and string literals emptied, so that neither can look
	 * like a {@code CREATE} statement. Quoted identifiers are kept.
	 */
	private static String withoutCommentsAndLiterals(String script) {
		StringBuilder result = new StringBuilder(script.length());
		int i = 0;
		while (i < script.length()) {
			char c = script.charAt(i);
			if (c == '-' && script.startsWith("--", i)) {
				int end = script.indexOf('\n', i);
				i = (end < 0) ? script.length() : end;
				result.append(' ');
			}
			else if (c == '/' && script.startsWith("/*", i)) {
				int end = script.indexOf("*/", i + 2);
				i = (end < 0) ? script.length() : end + 2;
				result.append(' ');
			}
			else if (c == '\'' || c == '"' || c == '`' || c == '[') {
				char close = (c == '[') ? ']' : c;
				int end = closing(script, i + 1, close);
				result.append((c == '\'') ? "''" : script.substring(i, end));
				i = end;
			}
			else {
				result.append(c);
				i++;
			}
		}
		return result.toString();
	}

	/** The index just after the quote that closes one opened before {@code from}; doubled quotes escape. */
	private static int closing(String script, int from, char close) {
		int i = from;
		while (i < script.length()) {
			if (script.charAt(i) == close) {
				if (close != ']' && i + 1 < script.length() && script.charAt(i + 1) == close) {
					i += 2;
					continue;
				}
				return i + 1;
			}
			i++;
		}
		return script.length();
	}

	private static String unquote(String name) {
		char first = name.charAt(0);
		if (first == '"' || first == '`') {
			String quote = String.valueOf(first);
			return name.substring(1, name.length() - 1).replace(quote + quote, quote);
		}
		return (first == '[') ? name.substring(1, name.length() - 1) : name;
	}

	/** SQLite compares names ignoring the case of ASCII letters only. */
	private static String asciiLowerCase(String name) {
		StringBuilder lower = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			lower.append((c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c);
		}
		return lower.toString();
	}

	@Override
	public String toString() {
		return this.type.toUpperCase(Locale.ROOT) + " " + this.name;
	}

}
