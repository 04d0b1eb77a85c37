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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter that answers a fenced write {@code 503} is there in every servlet application that
 * replicates, with or without a peer secret, inside the cluster's filters and around Spring
 * Security's (-100); without replication there is no fence to answer for.
 */
class KiwiDbWriteRefusalWebAutoConfigurationTests {

	@TempDir
	Path dir;

	private final AutoConfigurations configurations = AutoConfigurations.of(KiwiDbAutoConfiguration.class,
			KiwiDbReplicationAutoConfiguration.class, KiwiDbClusterWebAutoConfiguration.class,
			KiwiDbWriteRefusalWebAutoConfiguration.class, DataSourceAutoConfiguration.class);

	private String[] replicating() {
		return new String[] { "kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
				"kiwi.db.replication.url=file:" + this.dir.resolve("replica") };
	}

	@Test
	void aReplicatingServletApplicationGetsTheFilterWithOrWithoutAPeerSecret() {
		for (String secret : new String[] { "kiwi.db.replication.peer-secret= ",
				"kiwi.db.replication.peer-secret=a-long-enough-peer-secret-for-tests" }) {
			new WebApplicationContextRunner().withConfiguration(this.configurations)
				.withPropertyValues(replicating())
				.withPropertyValues(secret)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					FilterRegistrationBean<?> refusals = context.getBean("kiwiDbWriteRefusalFilter",
							FilterRegistrationBean.class);
					assertThat(refusals.getFilter()).isInstanceOf(WriteRefusalFilter.class);
					assertThat(refusals.getOrder()).isLessThan(-100)
						.isGreaterThan(KiwiDbClusterWebAutoConfiguration.READ_YOUR_WRITES_ORDER);
				});
		}
	}

	@Test
	void withoutReplicationThereIsNoFilter() {
		new WebApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("app.db"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kiwiDbWriteRefusalFilter"));
	}

	@Test
	void outsideAServletApplicationThereIsNoFilter() {
		new ApplicationContextRunner().withConfiguration(this.configurations)
			.withPropertyValues(replicating())
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("kiwiDbWriteRefusalFilter"));
	}

}
