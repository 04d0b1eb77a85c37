package io.kiwistack.db.autoconfigure.hibernate;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.persistence.spi.PersistenceUnitInfo;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;

import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * Spring's Hibernate vendor adapter, with sessions that take a connection per transaction when
 * kiwi-db has reader connections. Spring's own adapter has a session hold its first connection
 * until it closes: an open-in-view EntityManager then keeps the reader its first read-only query
 * ran on, and the request's next write fails on it. Here each transaction acquires its own
 * connection ({@code DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION}), so kiwi-db routes every
 * transaction by its own read-only flag, and the writer goes back at each commit instead of at the
 * end of the request. A {@code hibernate.connection.handling_mode} the application sets wins, as
 * vendor properties only fill in what the application left unset.
 */
class KiwiDbHibernateJpaVendorAdapter extends HibernateJpaVendorAdapter {

	private final boolean connectionPerTransaction;

	private final HibernateJpaDialect jpaDialect = new KiwiDbHibernateJpaDialect();

	/**
	 * Create an adapter.
	 * @param connectionPerTransaction whether sessions take a connection per transaction: when the
	 * database has reader connections to route read-only transactions to
	 */
	KiwiDbHibernateJpaVendorAdapter(boolean connectionPerTransaction) {
		this.connectionPerTransaction = connectionPerTransaction;
	}

	@Override
	public HibernateJpaDialect getJpaDialect() {
		return this.connectionPerTransaction ? this.jpaDialect : super.getJpaDialect();
	}

	@Override
	public Map<String, Object> getJpaPropertyMap(PersistenceUnitInfo persistenceUnitInfo) {
		return withConnectionHandling(super.getJpaPropertyMap(persistenceUnitInfo));
	}

	@Override
	public Map<String, Object> getJpaPropertyMap() {
		return withConnectionHandling(super.getJpaPropertyMap());
	}

	private Map<String, Object> withConnectionHandling(Map<String, Object> properties) {
		if (!this.connectionPerTransaction) {
			return properties;
		}
		Map<String, Object> adapted = new LinkedHashMap<>(properties);
		adapted.put(AvailableSettings.CONNECTION_HANDLING,
				PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION);
		return adapted;
	}

}
