package io.kiwistack.db;

/**
 * Where a {@link LentConnection} goes back to when its borrower closes it.
 */
interface Lender {

	void giveBack(LentConnection lent);

	/** What watches this lender's writes for a full disk; {@code null} for readers, which don't write. */
	default DiskFullWatch diskFullWatch() {
		return null;
	}

}
