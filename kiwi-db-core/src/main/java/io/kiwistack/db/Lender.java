package io.kiwistack.db;

/**
 * Where a {@link LentConnection} goes back to when its borrower closes it.
 */
interface Lender {

	void giveBack(LentConnection lent);

}
