package io.kiwistack.db.autoconfigure.replication;

import org.apache.commons.logging.LogFactory;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.KiwiDbProperties;
import io.kiwistack.db.replication.KiwiDbReplicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for replication: a started {@link KiwiDbReplicator} that, on a primary, ships
 * every commit of the kiwi-db database to {@code kiwi.db.replication.url} and ships everything
 * once more when the application stops, before the database closes; on a read replica it follows
 * that replica, and keeps Flyway from migrating.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnBooleanProperty("kiwi.db.replication.enabled")
public final class KiwiDbReplicationAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	KiwiDbReplicator kiwiDbReplicator(KiwiDbDataSource dataSource, KiwiDbProperties properties) {
		KiwiDbProperties.Replication replication = properties.getReplication();
		KiwiDbReplicator replicator = (replication.getMode() == KiwiDbProperties.Mode.REPLICA)
				? KiwiDbReplicator.readReplica(dataSource.getKiwiDataSource(), ReplicationPropertiesMapper.client(replication),
						ReplicationPropertiesMapper.pollInterval(replication), ReplicationPropertiesMapper.maxLag(replication))
				: KiwiDbReplicator.primary(dataSource.getKiwiDataSource(), ReplicationPropertiesMapper.client(replication),
						ReplicationPropertiesMapper.settings(replication),
						ReplicationPropertiesMapper.unhealthyAfter(replication));
		replicator.start();
		return replicator;
	}

	/** A read replica's schema arrives with the data: Flyway must not migrate it. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(FlywayMigrationStrategy.class)
	@ConditionalOnProperty(name = "kiwi.db.replication.mode", havingValue = "replica")
	static class ReadReplicaFlywayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FlywayMigrationStrategy readReplicaFlywayMigrationStrategy() {
			return (flyway) -> LogFactory.getLog(KiwiDbReplicationAutoConfiguration.class)
				.info("Not migrating: this node is a read replica, and its schema arrives with the primary's data");
		}

	}

}
