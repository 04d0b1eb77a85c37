package io.kiwistack.db.autoconfigure.hibernate;

import java.sql.SQLException;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import org.hibernate.ConnectionReleaseMode;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.resource.jdbc.spi.LogicalConnectionImplementor;

import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.ResourceTransactionDefinition;

/**
 * Spring's Hibernate dialect for sessions that take a connection per transaction, as
 * {@link KiwiDbHibernateJpaVendorAdapter} configures them. Spring prepares a transaction's
 * connection (read-only flag, isolation) only for sessions that hold theirs until they close; this
 * dialect still marks a read-only transaction's new connection read-only before its first
 * statement, so that kiwi-db lends it a reader, and it leaves the isolation level to SQLite, whose
 * transactions are serializable at every level JDBC names. Sessions that hold their connection
 * (a {@code hibernate.connection.handling_mode} the application chose) get Spring's behaviour
 * unchanged.
 */
class KiwiDbHibernateJpaDialect extends HibernateJpaDialect {

	@Override
	public Object beginTransaction(EntityManager entityManager, TransactionDefinition definition)
			throws PersistenceException, SQLException, TransactionException {
		LogicalConnectionImplementor connection = entityManager.unwrap(SessionImplementor.class)
			.getJdbcCoordinator()
			.getLogicalConnection();
		if (connection.getConnectionHandlingMode().getReleaseMode() == ConnectionReleaseMode.ON_CLOSE) {
			return super.beginTransaction(entityManager, definition);
		}
		if (definition.isReadOnly() && !connection.isPhysicallyConnected()) {
			// kiwi-db's connection is lazy: marked before its first statement, it is a reader's.
			connection.getPhysicalConnection().setReadOnly(true);
		}
		return super.beginTransaction(entityManager, new DefaultIsolation(definition));
	}

	/**
	 * A transaction definition with the default isolation level and everything else as given,
	 * including whether the transaction's EntityManager is its own.
	 */
	private record DefaultIsolation(TransactionDefinition definition) implements ResourceTransactionDefinition {

		@Override
		public int getPropagationBehavior() {
			return this.definition.getPropagationBehavior();
		}

		@Override
		public int getIsolationLevel() {
			return ISOLATION_DEFAULT;
		}

		@Override
		public int getTimeout() {
			return this.definition.getTimeout();
		}

		@Override
		public boolean isReadOnly() {
			return this.definition.isReadOnly();
		}

		@Override
		public String getName() {
			return this.definition.getName();
		}

		@Override
		public boolean isLocalResource() {
			return this.definition instanceof ResourceTransactionDefinition resource && resource.isLocalResource();
		}

	}

}
