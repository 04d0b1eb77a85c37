package io.kiwistack.db.autoconfigure.replication;

import org.apache.commons.logging.LogFactory;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.replication.AutoReplication;
import io.kiwistack.db.replication.KiwiDbReplicator;
import org.flywaydb.core.Flyway;
import io.kiwistack.db.replication.PeerSettings;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration for replication: a {@link KiwiDbReplicator} that, on a primary, ships every
 * commit of the kiwi-db database to {@code kiwi.db.replication.url}; on a read replica it follows
 * that replica, and keeps Flyway from migrating. Before the database opens, its file is restored
 * from the replica when missing. Replication starts once the context is refreshed, before the web
 * server takes requests, and stops after the server has drained, shipping everything once more
 * before the database closes.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnBooleanProperty("kiwi.db.replication.enabled")
@EnableConfigurationProperties(KiwiDbReplicationProperties.class)
public final class KiwiDbReplicationAutoConfiguration {

	@Bean
	ReplicationNode kiwiDbReplicationNode(KiwiDbReplicationProperties properties) {
		return ReplicationNode.of(properties);
	}

	@Bean
	ReplicationSettingsCustomizer kiwiDbReplicationSettingsCustomizer(KiwiDbReplicationProperties properties,
			ReplicationNode node) {
		return new ReplicationSettingsCustomizer(properties, node);
	}

	/** Closed by its lifecycle when the context closes; closing it again when destroyed does nothing. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	KiwiDbReplicator kiwiDbReplicator(KiwiDbDataSource dataSource, KiwiDbReplicationProperties properties,
			ReplicationNode node) {
		return node.replicator(dataSource.getKiwiDataSource(), ReplicationPropertiesMapper.client(properties));
	}

	/** How this node reaches its peers, for the cluster's web endpoints: only with a peer secret. */
	@Bean
	@Conditional(PeerSecretCondition.class)
	PeerSettings kiwiDbPeerSettings(ReplicationNode node) {
		return node.peers();
	}

	@Bean
	ReplicationLifecycle kiwiDbReplicationLifecycle(KiwiDbReplicator replicator) {
		return new ReplicationLifecycle(replicator);
	}

	/**
	 * A read replica's schema arrives with the data: Flyway must not migrate it. A node in auto mode
	 * migrates when it starts as the primary, and not when it starts following.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ FlywayMigrationStrategy.class, Flyway.class })
	static class ReadReplicaFlywayConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FlywayMigrationStrategy readReplicaFlywayMigrationStrategy(ReplicationNode node) {
			return (flyway) -> {
				if (node.migratesAtStart()) {
					flyway.migrate();
				}
				else {
					LogFactory.getLog(KiwiDbReplicationAutoConfiguration.class)
						.info("Not migrating: this node follows the primary, and its schema arrives with the primary's data");
				}
			};
		}

		/**
		 * A node in auto mode promoted while it runs migrates then: in a rolling upgrade, the nodes
		 * restarted with new migrations start following, and the last one restarted hands the claim
		 * to one of them.
		 */
		@Bean
		InitializingBean kiwiDbMigrationOnPromotion(KiwiDbReplicator replicator, ObjectProvider<Flyway> flyway) {
			return () -> {
				if (replicator instanceof AutoReplication auto) {
					auto.onPromotion(new FlywayMigration(flyway));
				}
			};
		}

		/** Flyway's migration, run on a node promoted to primary; named for the log should it fail. */
		private record FlywayMigration(ObjectProvider<Flyway> flyway) implements Runnable {

			@Override
			public void run() {
				this.flyway.ifAvailable(Flyway::migrate);
			}

			@Override
			public String toString() {
				return "Flyway's migration";
			}

		}

	}

}
