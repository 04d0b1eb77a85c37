package io.kiwistack.db.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A service reduced to its data layer: full auto-configuration, as a service built on the starter
 * gets it (so whatever kiwi-db's auto-configuration does at run time is what is measured), and one
 * bean of application code. No component scan, so JMH's generated classes stay out of the context.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BenchApplication {

	@Bean
	ItemStore itemStore(JdbcClient jdbcClient, JdbcTemplate jdbcTemplate) {
		return new ItemStore(jdbcClient, jdbcTemplate);
	}

	@Bean
	@ConditionalOnBooleanProperty("bench.jpa")
	JpaItemReader jpaItemReader() {
		return new JpaItemReader();
	}

}
