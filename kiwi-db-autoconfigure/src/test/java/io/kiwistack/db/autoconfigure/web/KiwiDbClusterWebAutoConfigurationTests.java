package io.kiwistack.db.autoconfigure.web;

import java.nio.file.Path;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's filters are there in a servlet application that replicates with a peer secret,
 * ordered before Spring Security's filter chain (-100), and nowhere else.
 */
class KiwiDbClusterWebAutoConfigurationTests {

	private static final String SECRET = "kiwi.db.replication.peer-secret=a-long-enough-peer-secret-for-tests";

	@TempDir
	Path dir;

	private final AutoConfigurations configurations = AutoConfigurations.of(KiwiDbAutoConfiguration.class,
			KiwiDbReplicationAutoConfiguration.class, KiwiDbClusterWebAutoConfiguration.class,
			DataSourceAutoConfiguration.class);

	private String[] replicating() {
		return new String[] { "kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.dir.resolve("replica") };
	}

	@Test
	void aReplicatingServletApplicationWithAPeerSecretGetsTheFiltersBeforeSecurity() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues(replicating())
			.withPropertyValues(SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				FilterRegistrationBean<?> peers = context.getBean("kiwiDbPeerEndpointFilter", FilterRegistrationBean.class);
				FilterRegistrationBean<?> forwarding = context.getBean("kiwiDbWriteForwardingFilter",
						FilterRegistrationBean.class);
				FilterRegistrationBean<?> readYourWrites = context.getBean("kiwiDbReadYourWritesFilter",
						FilterRegistrationBean.class);
				assertThat(peers.getUrlPatterns()).containsExactly("/kiwi-db/*");
				assertThat(peers.getOrder()).isLessThan(forwarding.getOrder());
				assertThat(forwarding.getOrder()).isLessThan(readYourWrites.getOrder());
				assertThat(readYourWrites.getOrder()).isLessThan(-100);
				assertThat(forwarding.isEnabled()).as("a primary takes writes itself").isFalse();
				assertThat(readYourWrites.isEnabled()).isTrue();
				assertThat(context.getBean("kiwiDbPeerEndpointServlet", ServletRegistrationBean.class).getUrlMappings())
					.containsExactly("/kiwi-db/*");
			});
	}

	@Test
	void withoutAPeerSecretThereAreNoFilters() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues(replicating())
			.withPropertyValues("kiwi.db.replication.peer-secret= ")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class));
	}

	@Test
	void withoutReplicationThereAreNoFilters() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"), SECRET)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class));
	}

	@Test
	void outsideAServletApplicationThereAreNoFilters() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues(replicating())
			.withPropertyValues(SECRET)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class));
	}

}
