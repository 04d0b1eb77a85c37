package io.kiwistack.db.autoconfigure.replication;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.KiwiDbProperties;
import io.kiwistack.db.replication.KiwiDbReplicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for replication: a started {@link KiwiDbReplicator} that ships every commit
 * of the kiwi-db database to {@code kiwi.db.replication.url}, and ships everything once more when
 * the application stops, before the database closes.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class)
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnBooleanProperty("kiwi.db.replication.enabled")
public final class KiwiDbReplicationAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	KiwiDbReplicator kiwiDbReplicator(KiwiDbDataSource dataSource, KiwiDbProperties properties) {
		KiwiDbProperties.Replication replication = properties.getReplication();
		KiwiDbReplicator replicator = new KiwiDbReplicator(dataSource.getKiwiDataSource(),
				ReplicationPropertiesMapper.client(replication), ReplicationPropertiesMapper.settings(replication),
				ReplicationPropertiesMapper.unhealthyAfter(replication));
		replicator.start();
		return replicator;
	}

}
