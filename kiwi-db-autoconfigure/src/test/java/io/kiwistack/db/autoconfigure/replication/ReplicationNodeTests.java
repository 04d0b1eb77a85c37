package io.kiwistack.db.autoconfigure.replication;

import java.time.Duration;

import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.autoconfigure.MissingPropertyException;
import io.kiwistack.db.replication.ReplicationSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The role a node plays is decided once, from {@code kiwi.db.replication.mode}, and each role
 * knows how its database opens and checks only its own settings.
 */
class ReplicationNodeTests {

	@Test
	void aPrimaryOpensWithoutSqlitesOwnCheckpoints() {
		ReplicationNode node = ReplicationNode.of(new KiwiDbReplicationProperties());
		assertThat(node).isInstanceOf(PrimaryNode.class);
		KiwiDbSettings settings = settings(node);
		assertThat(settings.autoCheckpoint()).isFalse();
		assertThat(settings.journalSizeLimit()).isEqualTo(ReplicationSettings.DEFAULT_CHECKPOINT_THRESHOLD);
		assertThat(settings.replicaOf()).isNull();
	}

	@Test
	void aReadReplicaOpensAsAReplicaOfItsUrl() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.setMode(KiwiDbReplicationProperties.Mode.REPLICA);
		properties.setUrl("file:/srv/replica");
		ReplicationNode node = ReplicationNode.of(properties);
		assertThat(node).isInstanceOf(ReadReplicaNode.class);
		KiwiDbSettings settings = settings(node);
		assertThat(settings.replicaOf()).isEqualTo("file:/srv/replica");
		assertThat(settings.autoCheckpoint()).isTrue();
	}

	@Test
	void aNodeInAutoModeNeedsAPeerSecretAndAnAdvertiseUrlAndNamesTheOneMissing() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.setMode(KiwiDbReplicationProperties.Mode.AUTO);
		properties.setUrl("file:/srv/replica");
		assertThatExceptionOfType(MissingPropertyException.class).isThrownBy(() -> ReplicationNode.of(properties))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("kiwi.db.replication.peer-secret"))
			.withMessageContaining("kiwi.db.replication.mode is auto");
		properties.setPeerSecret("auto-mode-test-secret-0123456789");
		assertThatExceptionOfType(MissingPropertyException.class).isThrownBy(() -> ReplicationNode.of(properties))
			.satisfies((ex) -> assertThat(ex.property()).isEqualTo("kiwi.db.replication.advertise-url"));
		properties.setAdvertiseUrl("http://10.0.0.5:8080");
		assertThat(ReplicationNode.of(properties)).isInstanceOf(AutoNode.class);
	}

	@Test
	void aPrimaryChecksItsShippingSettingsAndNotAReadReplicas() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.setPollInterval(Duration.ZERO);
		assertThat(ReplicationNode.of(properties)).isInstanceOf(PrimaryNode.class);
		properties.setSyncInterval(Duration.ZERO);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ReplicationNode.of(properties))
			.withMessageContaining("kiwi.db.replication.sync-interval");
	}

	@Test
	void aReadReplicaChecksItsFollowingSettingsAndNotAPrimarys() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		properties.setMode(KiwiDbReplicationProperties.Mode.REPLICA);
		properties.setSyncInterval(Duration.ZERO);
		properties.setMaxWalSize(DataSize.ofBytes(1));
		assertThat(ReplicationNode.of(properties)).isInstanceOf(ReadReplicaNode.class);
		properties.setMaxLag(Duration.ofSeconds(-1));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ReplicationNode.of(properties))
			.withMessageContaining("kiwi.db.replication.max-lag");
	}

	@Test
	void propertiesKeepTheDefaultsTheyHadUnderKiwiDb() {
		KiwiDbReplicationProperties properties = new KiwiDbReplicationProperties();
		assertThat(properties.isEnabled()).isFalse();
		assertThat(properties.getUrl()).isNull();
		assertThat(properties.getMode()).isEqualTo(KiwiDbReplicationProperties.Mode.PRIMARY);
		assertThat(properties.getPollInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getMaxLag()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getSyncInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getSnapshotInterval()).isEqualTo(Duration.ofHours(24));
		assertThat(properties.getRetention()).isEqualTo(Duration.ofHours(24));
		assertThat(properties.getRestore()).isEqualTo(KiwiDbReplicationProperties.Restore.IF_MISSING);
		assertThat(properties.isAllowOlderGeneration()).isFalse();
		assertThat(properties.getUnhealthyAfter()).isEqualTo(Duration.ofMinutes(1));
		assertThat(properties.getLeaseTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getMaxWalSize()).isEqualTo(DataSize.ofMegabytes(64));
		assertThat(properties.getS3().isForcePathStyle()).isFalse();
	}

	private static KiwiDbSettings settings(ReplicationNode node) {
		KiwiDbSettings.Builder builder = KiwiDbSettings.builder("app.db");
		node.customize(builder);
		return builder.build();
	}

}
