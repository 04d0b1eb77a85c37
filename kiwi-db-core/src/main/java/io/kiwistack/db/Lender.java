package io.kiwistack.db;

/**
 * Where a {@link LentConnection} goes back to when its borrower closes it.
 */
interface Lender {

	void giveBack(LentConnection lent);

	/**
	 * Before {@code lent} runs a statement: refuse when it would run inside a transaction another
	 * handle of the same connection has open.
	 */
	default void checkMayRun(LentConnection lent) throws java.sql.SQLException {
	}

	/** What watches this lender's writes for a full disk; {@code null} for readers, which don't write. */
	default DiskFullWatch diskFullWatch() {
		return null;
	}

	/** Who is told of this lender's commits; {@code null} for readers, which don't commit changes. */
	default CommitWatch commitWatch() {
		return null;
	}

}
