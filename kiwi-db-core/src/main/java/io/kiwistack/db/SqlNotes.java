package io.kiwistack.db;

import java.sql.SQLException;
import java.util.Locale;

/**
 * What the SQL prepared or run on one connection handle says, read from its first word (past
 * whitespace and comments) without parsing it: whether the handle may have written, and whether it
 * opened a transaction behind JDBC's back ({@code BEGIN}, {@code SAVEPOINT}), so that returning the
 * connection rolls it back even though auto-commit still reads true. On a read-only connection it
 * refuses the PRAGMAs that would let the connection write or checkpoint.
 */
final class SqlNotes {

	private final boolean readOnlyConnection;

	private boolean transactionBegun;

	private boolean otherThanQueries;

	SqlNotes(boolean readOnlyConnection) {
		this.readOnlyConnection = readOnlyConnection;
	}

	void note(String sql) throws SQLException {
		int start = firstWord(sql);
		if (!this.otherThanQueries && !isQuery(sql, start)) {
			this.otherThanQueries = true;
		}
		if (is(sql, start, "BEGIN") || is(sql, start, "SAVEPOINT")) {
			this.transactionBegun = true;
		}
		else if (this.readOnlyConnection && is(sql, start, "PRAGMA")) {
			String pragma = sql.toLowerCase(Locale.ROOT);
			// A reader may refuse writes by query_only alone (see ConnectionOpener): it stays on. And
			// only the writer (or the replicator) checkpoints.
			if (pragma.contains("query_only") || pragma.contains("wal_checkpoint")) {
				throw new SQLException("kiwi-db's read-only connections stay read-only; PRAGMA query_only and "
						+ "wal_checkpoint are not for them. Run writes in a read-write transaction.");
			}
		}
	}

	/** Whether SQL opened a transaction ({@code BEGIN}, {@code SAVEPOINT}) that JDBC does not know of. */
	boolean transactionBegun() {
		return this.transactionBegun;
	}

	/** Whether SQL other than queries was prepared or run: the handle may have written. */
	boolean otherThanQueries() {
		return this.otherThanQueries;
	}

	/** Whether {@code sql} reads only by its first word; a write in a WITH shows in SQLite's change count. */
	private static boolean isQuery(String sql, int start) {
		return is(sql, start, "SELECT") || is(sql, start, "WITH") || is(sql, start, "VALUES");
	}

	private static boolean is(String sql, int start, String word) {
		return sql.regionMatches(true, start, word, 0, word.length());
	}

	/** Where the first word of {@code sql} starts, past whitespace and comments. */
	private static int firstWord(String sql) {
		int at = 0;
		while (at < sql.length()) {
			if (Character.isWhitespace(sql.charAt(at))) {
				at++;
			}
			else if (sql.startsWith("--", at)) {
				int end = sql.indexOf('\n', at);
				at = (end < 0) ? sql.length() : end + 1;
			}
			else if (sql.startsWith("/*", at)) {
				int end = sql.indexOf("*/", at + 2);
				at = (end < 0) ? sql.length() : end + 2;
			}
			else {
				break;
			}
		}
		return at;
	}

}
