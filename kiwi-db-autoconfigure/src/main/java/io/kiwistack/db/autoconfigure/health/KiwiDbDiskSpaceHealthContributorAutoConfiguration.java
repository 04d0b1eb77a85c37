package io.kiwistack.db.autoconfigure.health;

import java.io.File;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.application.DiskSpaceHealthIndicator;
import org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthIndicatorProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configuration that points Boot's {@code diskSpace} health indicator at the directory of
 * kiwi-db's database instead of the working directory, since the database's file system is the
 * one whose filling up stops the service. Backs off when {@code management.health.diskspace.path}
 * is set or the application defines its own {@code diskSpaceHealthIndicator}; the threshold is
 * Boot's {@code management.health.diskspace.threshold}.
 */
@AutoConfiguration(after = KiwiDbAutoConfiguration.class,
		beforeName = "org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration")
@ConditionalOnClass(DiskSpaceHealthIndicator.class)
@ConditionalOnBean(KiwiDbDataSource.class)
@ConditionalOnEnabledHealthIndicator("diskspace")
@Conditional(KiwiDbDiskSpaceHealthContributorAutoConfiguration.PathNotSetCondition.class)
@EnableConfigurationProperties(DiskSpaceHealthIndicatorProperties.class)
public final class KiwiDbDiskSpaceHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "diskSpaceHealthIndicator")
	DiskSpaceHealthIndicator diskSpaceHealthIndicator(KiwiDbDataSource dataSource,
			DiskSpaceHealthIndicatorProperties properties) {
		File path = dataSource.getKiwiDataSource()
			.file()
			.map((file) -> file.path().getParent().toFile())
			.orElse(properties.getPath());
		return new DiskSpaceHealthIndicator(path, properties.getThreshold());
	}

	static final class PathNotSetCondition extends NoneNestedConditions {

		PathNotSetCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "management.health.diskspace.path")
		static final class PathSet {

		}

	}

}
