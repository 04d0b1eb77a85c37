package io.kiwistack.db;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements a borrower opened on one connection handle and has not closed yet. They are
 * closed for the borrower when the handle goes back, because an open statement pins a read
 * snapshot and keeps checkpoints from finishing. Borrowers mostly close the newest statement first,
 * so the search starts from the end.
 */
final class OpenStatements {

	/** Sized for the one or two statements a borrower mostly has open: a handle is made per borrow. */
	private final List<KiwiStatement> open = new ArrayList<>(4);

	<S extends KiwiStatement> S add(S statement) {
		this.open.add(statement);
		return statement;
	}

	void remove(KiwiStatement statement) {
		for (int i = this.open.size() - 1; i >= 0; i--) {
			if (this.open.get(i) == statement) {
				this.open.remove(i);
				return;
			}
		}
	}

	int size() {
		return this.open.size();
	}

	/** Close every statement still open, newest first; each one removes itself as it closes. */
	void closeAll() throws SQLException {
		while (!this.open.isEmpty()) {
			this.open.get(this.open.size() - 1).close();
		}
	}

}
