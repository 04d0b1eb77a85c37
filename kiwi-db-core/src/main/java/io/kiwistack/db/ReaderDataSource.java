package io.kiwistack.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The reader connections of a {@link KiwiDataSource}, seen as a data source of their own for
 * read-only routing.
 */
final class ReaderDataSource extends EmbeddedDataSourceSupport {

	private final ReaderPool readers;

	ReaderDataSource(ReaderPool readers) {
		this.readers = readers;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return this.readers.borrow();
	}

	@Override
	public String toString() {
		return "kiwi-db readers";
	}

}
