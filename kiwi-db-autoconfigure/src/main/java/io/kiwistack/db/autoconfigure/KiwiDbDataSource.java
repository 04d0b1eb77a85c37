package io.kiwistack.db.autoconfigure;

import java.sql.SQLException;

import io.kiwistack.db.KiwiDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * The application's one {@link javax.sql.DataSource}: kiwi-db's writer connection, with
 * {@code @Transactional(readOnly = true)} routed to the read-only connections through Spring's
 * read-only routing. Connections are fetched lazily, at the first statement, so a transaction that
 * never touches the database never waits for the writer.
 */
public class KiwiDbDataSource extends LazyConnectionDataSourceProxy implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(KiwiDbDataSource.class);

	private final KiwiDataSource kiwiDataSource;

	public KiwiDbDataSource(KiwiDataSource kiwiDataSource) {
		super(kiwiDataSource);
		this.kiwiDataSource = kiwiDataSource;
		kiwiDataSource.readOnlyDataSource().ifPresent(this::setReadOnlyDataSource);
	}

	/** The kiwi-db database behind this data source. */
	public KiwiDataSource getKiwiDataSource() {
		return this.kiwiDataSource;
	}

	/**
	 * Close the database: readers, then optimize, checkpoint and close the writer. A log a full disk
	 * made it keep is reported here, through the application's logging: by the time a context
	 * closes, Boot has unhooked the JDK logging that kiwi-db-core writes to.
	 */
	@Override
	public void close() throws SQLException {
		this.kiwiDataSource.closeAndReport().ifPresent((kept) -> logger.warn(kept.message()));
	}

	@Override
	public String toString() {
		return this.kiwiDataSource.toString();
	}

}
