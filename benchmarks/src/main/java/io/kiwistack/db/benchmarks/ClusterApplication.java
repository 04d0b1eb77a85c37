package io.kiwistack.db.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A web service reduced to one write, for the cluster runs: Spring MVC on Tomcat and full
 * auto-configuration, as a service built on the starter gets it (kiwi-db's peer endpoints,
 * forwarded writes and read-your-writes included), {@link ItemController} and {@link ItemStore}.
 * No component scan, so nothing else of this module joins the context.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ClusterApplication {

	@Bean
	ItemStore itemStore(JdbcClient jdbcClient, JdbcTemplate jdbcTemplate) {
		return new ItemStore(jdbcClient, jdbcTemplate);
	}

	@Bean
	ItemController itemController(ItemStore itemStore) {
		return new ItemController(itemStore);
	}

}
