package io.kiwistack.db.autoconfigure.web;

import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the answer a replicating node gives a request whose write its fence
 * refused, in a servlet web application: {@code 503} with {@code Retry-After} (see
 * {@link WriteRefusalFilter}), with or without a cluster's peer endpoints.
 */
@AutoConfiguration(after = KiwiDbReplicationAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, FilterRegistrationBean.class })
@ConditionalOnBean(KiwiDbReplicator.class)
public final class KiwiDbWriteRefusalWebAutoConfiguration {

	/**
	 * Inside the cluster's filters, so that a forwarded write refused on the primary is answered
	 * there; around Spring Security's (order -100) and the application's, whose failures it sees.
	 */
	public static final int WRITE_REFUSAL_ORDER = KiwiDbClusterWebAutoConfiguration.READ_YOUR_WRITES_ORDER + 10;

	@Bean
	FilterRegistrationBean<WriteRefusalFilter> kiwiDbWriteRefusalFilter() {
		FilterRegistrationBean<WriteRefusalFilter> registration = new FilterRegistrationBean<>(new WriteRefusalFilter());
		registration.setOrder(WRITE_REFUSAL_ORDER);
		return registration;
	}

}
