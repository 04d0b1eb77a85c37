package io.kiwistack.db.autoconfigure.health;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@code kiwiDb} health indicator.
 */
@AutoConfiguration(after = { KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnEnabledHealthIndicator("kiwidb")
public final class KiwiDbHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kiwiDbHealthIndicator")
	KiwiDbHealthIndicator kiwiDbHealthIndicator(KiwiDbDataSource dataSource,
			ObjectProvider<KiwiDbReplicator> replicator) {
		return new KiwiDbHealthIndicator(dataSource.getKiwiDataSource(), replicator.getIfAvailable());
	}

}
