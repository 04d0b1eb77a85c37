package io.kiwistack.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The reader connections of a {@link KiwiDataSource}, seen as a data source of their own for
 * read-only routing.
 */
final class ReaderDataSource extends EmbeddedDataSourceSupport {

	private final Borrower readers;

	/** @param readers borrows a reader from the connections the database has open now */
	ReaderDataSource(Borrower readers) {
		this.readers = readers;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return this.readers.borrow();
	}

	/** Borrows one reader connection. */
	@FunctionalInterface
	interface Borrower {

		Connection borrow() throws SQLException;

	}

	@Override
	public String toString() {
		return "kiwi-db readers";
	}

}
