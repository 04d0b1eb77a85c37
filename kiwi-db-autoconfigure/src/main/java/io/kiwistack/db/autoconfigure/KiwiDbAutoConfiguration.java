package io.kiwistack.db.autoconfigure;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import io.kiwistack.db.KiwiDataSource;
import io.kiwistack.db.KiwiDbSettings;
import io.kiwistack.db.TemporaryFiles;

import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Auto-configuration for the embedded kiwi-db database: one {@link DataSource}, a
 * {@link KiwiDbDataSource}, so that Boot's JdbcTemplate, JdbcClient, transaction manager and Flyway
 * all use it unchanged. Backs off when the application defines its own {@link DataSource} or
 * {@code JdbcConnectionDetails}, names another database in {@code spring.datasource.url} or
 * {@code spring.datasource.jndi-name}, or excludes Boot's {@code DataSourceAutoConfiguration}.
 * Features built on the database, replication for one, shape how it opens through
 * {@link KiwiDbSettingsCustomizer} beans.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({ KiwiDataSource.class, org.sqlite.JDBC.class, LazyConnectionDataSourceProxy.class })
@ConditionalOnBooleanProperty(name = "kiwi.db.enabled", matchIfMissing = true)
@Conditional({ DataSourceAutoConfigurationNotExcludedCondition.class, NoOtherDatabaseCondition.class })
@EnableConfigurationProperties(KiwiDbProperties.class)
public final class KiwiDbAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(value = DataSource.class,
			type = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
	KiwiDbDataSource dataSource(KiwiDbProperties properties, Environment environment,
			ObjectProvider<KiwiDbSettingsCustomizer> customizers) throws SQLException {
		DataSourceUrlCheck.verify(environment);
		FlywayConnectionCheck.verify(environment);
		KiwiDbSettings.Builder builder = KiwiDbSettingsMapper.map(properties, environment);
		List<KiwiDbSettingsCustomizer> ordered = customizers.orderedStream().toList();
		ordered.forEach((customizer) -> customizer.customize(builder));
		KiwiDbSettings settings = builder.build();
		if (!settings.inMemory()) {
			removeLeftovers(Path.of(settings.path()));
		}
		ordered.forEach((customizer) -> customizer.beforeOpen(settings));
		KiwiDbSettings opening = settings;
		for (KiwiDbSettingsCustomizer customizer : ordered) {
			opening = customizer.settingsToOpen(opening);
		}
		KiwiDataSource kiwiDataSource = KiwiDataSource.open(opening);
		// Names both sides when a thread asks for the writer again inside an open transaction.
		kiwiDataSource.describeBorrowersWith(TransactionSynchronizationManager::getCurrentTransactionName);
		return new KiwiDbDataSource(kiwiDataSource);
	}

	/** Temporary files kiwi-db left beside the database when it was killed: ours, recognised by name. */
	private static void removeLeftovers(Path database) {
		List<Path> removed = TemporaryFiles.removeLeftovers(database);
		if (!removed.isEmpty()) {
			LogFactory.getLog(KiwiDbAutoConfiguration.class)
				.info("Removed " + removed.size() + " temporary file(s) kiwi-db left beside " + database
						+ " when it stopped without cleaning up: " + removed);
		}
	}

}
