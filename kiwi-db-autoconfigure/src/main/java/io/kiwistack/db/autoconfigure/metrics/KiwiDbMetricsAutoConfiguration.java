package io.kiwistack.db.autoconfigure.metrics;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for kiwi-db's Micrometer meters; Boot binds the {@link MeterBinder} to every
 * registry it configures.
 */
@AutoConfiguration(after = { KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class })
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(KiwiDbDataSource.class)
public final class KiwiDbMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KiwiDbMetrics kiwiDbMetrics(KiwiDbDataSource dataSource, ObjectProvider<KiwiDbReplicator> replicator) {
		return new KiwiDbMetrics(dataSource.getKiwiDataSource(), replicator.getIfAvailable());
	}

}
