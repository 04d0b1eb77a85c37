package io.kiwistack.db.autoconfigure.quartz;

import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import org.quartz.impl.jdbcjobstore.HSQLDBDelegate;
import org.quartz.impl.jdbcjobstore.UpdateLockRowSemaphore;

import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.core.Ordered;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * Makes Quartz's JDBC job store work on the kiwi-db database: it sets the driver delegate and the
 * lock handler to ones SQLite can run, unless the application set them under
 * {@code spring.quartz.properties.*}. Does nothing when Quartz stores its jobs in a data source that
 * is not kiwi-db's.
 */
public final class SqliteJobStoreCustomizer implements SchedulerFactoryBeanCustomizer, Ordered {

	/** The Quartz property naming the class that reads and writes the job store's tables. */
	public static final String DRIVER_DELEGATE_CLASS = "org.quartz.jobStore.driverDelegateClass";

	/** The Quartz property naming the class that serializes the job store's transactions. */
	public static final String LOCK_HANDLER_CLASS = "org.quartz.jobStore.lockHandler.class";

	private final DataSource dataSource;

	private final Map<String, String> applicationProperties;

	/**
	 * @param dataSource the data source Quartz stores its jobs in
	 * @param applicationProperties the application's {@code spring.quartz.properties.*}
	 */
	public SqliteJobStoreCustomizer(DataSource dataSource, Map<String, String> applicationProperties) {
		this.dataSource = dataSource;
		this.applicationProperties = Map.copyOf(applicationProperties);
	}

	@Override
	public void customize(SchedulerFactoryBean schedulerFactoryBean) {
		if (!(this.dataSource instanceof KiwiDbDataSource)) {
			return;
		}
		Properties properties = new Properties();
		// StdJDBCDelegate reads job data with ResultSet.getBlob, which sqlite-jdbc does not
		// implement; HSQLDB's delegate reads the same columns with getBinaryStream.
		properties.setProperty(DRIVER_DELEGATE_CLASS, HSQLDBDelegate.class.getName());
		// The default lock handler for Spring's job store locks a QRTZ_LOCKS row with
		// SELECT ... FOR UPDATE, which SQLite does not parse. An UPDATE of the row locks it in a
		// statement SQLite has, and it is taken on the connection the transaction already holds:
		// a JVM-local semaphore instead would be taken before kiwi-db's one writer connection, so a
		// thread scheduling a job inside its own transaction (holding the writer, waiting for the
		// semaphore) and a scheduler thread (holding the semaphore, waiting for the writer) would
		// wait for each other.
		properties.setProperty(LOCK_HANDLER_CLASS, UpdateLockRowSemaphore.class.getName());
		// SchedulerFactoryBean keeps one set of Quartz properties: set them again with the
		// application's, which win over ours.
		properties.putAll(this.applicationProperties);
		schedulerFactoryBean.setQuartzProperties(properties);
	}

	/**
	 * Ahead of the application's own customizers (those without an order run last): one of them
	 * that sets Quartz properties replaces these.
	 */
	@Override
	public int getOrder() {
		return 0;
	}

}
