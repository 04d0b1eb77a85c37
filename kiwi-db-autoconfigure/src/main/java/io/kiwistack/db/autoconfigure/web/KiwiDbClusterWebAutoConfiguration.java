package io.kiwistack.db.autoconfigure.web;

import java.util.function.Supplier;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationProperties;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.PeerEndpoint;
import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.PeerSettings;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of a replicating node's part in its cluster, in a servlet web application
 * whose nodes share {@code kiwi.db.replication.peer-secret}: the peer endpoints under
 * {@code /kiwi-db/} (a primary streams its new transactions from there), a read replica's
 * forwarding of write requests to the primary, and read-your-writes on every node. The three
 * filters come before Spring Security's (order -100) and any other application filter: the peer
 * endpoints authenticate peers themselves, and a forwarded request meets the primary's security.
 */
@AutoConfiguration(after = KiwiDbReplicationAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, FilterRegistrationBean.class })
@ConditionalOnBean({ KiwiDbDataSource.class, KiwiDbReplicator.class, PeerSettings.class })
public final class KiwiDbClusterWebAutoConfiguration {

	/** First: nothing else runs on a peer request. */
	public static final int PEER_ENDPOINT_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	/** Before the application's filters, which run on the primary when a request is forwarded. */
	public static final int WRITE_FORWARDING_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	/** Before security, so a request waits for its client's write before anything reads for it. */
	public static final int READ_YOUR_WRITES_ORDER = Ordered.HIGHEST_PRECEDENCE + 30;

	@Bean
	PeerEndpointLifecycle kiwiDbPeerEndpoint(ObjectProvider<KiwiDbReplicator> replicator, PeerSettings peers) {
		return new PeerEndpointLifecycle(replicator, peers);
	}

	@Bean
	FilterRegistrationBean<PeerEndpointFilter> kiwiDbPeerEndpointFilter(PeerEndpointLifecycle kiwiDbPeerEndpoint) {
		FilterRegistrationBean<PeerEndpointFilter> registration = new FilterRegistrationBean<>(
				new PeerEndpointFilter(kiwiDbPeerEndpoint));
		// The container maps the decoded, normalized path: every spelling of a path under the prefix comes here.
		registration.addUrlPatterns(PeerProtocol.PREFIX + "*");
		registration.setOrder(PEER_ENDPOINT_ORDER);
		return registration;
	}

	@Bean
	ServletRegistrationBean<PeerEndpointServlet> kiwiDbPeerEndpointServlet(PeerEndpointLifecycle kiwiDbPeerEndpoint) {
		ServletRegistrationBean<PeerEndpointServlet> registration = new ServletRegistrationBean<>(
				new PeerEndpointServlet(kiwiDbPeerEndpoint), PeerProtocol.PREFIX + "*");
		registration.setName("kiwiDbPeerEndpoint");
		return registration;
	}

	@Bean
	FilterRegistrationBean<WriteForwardingFilter> kiwiDbWriteForwardingFilter(ObjectProvider<KiwiDbReplicator> replicator,
			KiwiDbReplicationProperties properties, PeerSettings peers, Environment environment,
			ClusterMetrics kiwiDbClusterMetrics) {
		ForwardedRequests forwarded = new ForwardedRequests(properties.getForwardMethods(),
				properties.getForwardExcludePaths(), actuatorBasePath(environment));
		String forwardedBy = (peers.advertiseUrl() != null) ? peers.advertiseUrl() : "a kiwi-db read replica";
		FilterRegistrationBean<WriteForwardingFilter> registration = new FilterRegistrationBean<>(
				new WriteForwardingFilter(SingletonSupplier.of(replicator::getObject), forwarded, properties.getForwardTimeout(),
						properties.getReadYourWritesTimeout(), forwardedBy, kiwiDbClusterMetrics));
		registration.setOrder(WRITE_FORWARDING_ORDER);
		// A primary takes its writes itself; a replica forwards them unless told not to, and then refuses them.
		registration.setEnabled(properties.getMode() != KiwiDbReplicationProperties.Mode.PRIMARY
				&& !Boolean.FALSE.equals(properties.getForwardWrites()));
		return registration;
	}

	@Bean
	FilterRegistrationBean<ReadYourWritesFilter> kiwiDbReadYourWritesFilter(ObjectProvider<KiwiDbReplicator> replicator,
			ObjectProvider<KiwiDbDataSource> dataSource, KiwiDbReplicationProperties properties,
			ClusterMetrics kiwiDbClusterMetrics) {
		FilterRegistrationBean<ReadYourWritesFilter> registration = new FilterRegistrationBean<>(
				new ReadYourWritesFilter(SingletonSupplier.of(replicator::getObject),
						SingletonSupplier.of(() -> dataSource.getObject().getKiwiDataSource().commitWatch()),
						properties.getReadYourWritesTimeout(), kiwiDbClusterMetrics));
		registration.setOrder(READ_YOUR_WRITES_ORDER);
		return registration;
	}

	/** Where the actuator's endpoints are on this server: never forwarded. */
	private static String actuatorBasePath(Environment environment) {
		String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator").strip();
		while (basePath.endsWith("/")) {
			basePath = basePath.substring(0, basePath.length() - 1);
		}
		if (basePath.isEmpty()) {
			// Mapped at the root, endpoints have no path of their own to tell them by.
			return null;
		}
		return basePath.startsWith("/") ? basePath : "/" + basePath;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MicrometerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterMetrics.class)
		ClusterMetrics kiwiDbClusterMetrics(ObjectProvider<MeterRegistry> registries) {
			return new MicrometerClusterMetrics(registries);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("io.micrometer.core.instrument.MeterRegistry")
	static class NoMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterMetrics.class)
		ClusterMetrics kiwiDbClusterMetrics() {
			return ClusterMetrics.NONE;
		}

	}

}
