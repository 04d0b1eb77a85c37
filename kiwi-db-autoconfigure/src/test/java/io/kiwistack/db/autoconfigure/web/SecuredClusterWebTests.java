package io.kiwistack.db.autoconfigure.web;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.kiwistack.db.autoconfigure.health.KiwiDbHealthIndicator;
import io.kiwistack.db.replication.PeerProtocol;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster in an application that Spring Security guards (HTTP Basic on every path): a write
 * forwarded by the replica meets the primary's security with the client's own credentials, and
 * is refused there without them; the peer endpoints authenticate peers themselves, so the replica
 * streams from the primary although neither node lets anyone in without a password.
 */
class SecuredClusterWebTests {

	private static final String BASIC = "Basic "
			+ Base64.getEncoder().encodeToString("kiwi:kiwi-password".getBytes(StandardCharsets.UTF_8));

	@TempDir
	Path dir;

	private Cluster cluster;

	@AfterEach
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	void forwardedWritesMeetThePrimarysSecurityAndThePeerEndpointsStillServeTheReplica() throws Exception {
		this.cluster = Cluster.start(this.dir, new Class<?>[] { NoteService.class, SecuredNotes.class });
		Cluster cluster = this.cluster;

		HttpResponse<String> created = cluster.send(cluster.replicaPort, "POST", "/notes?body=secured",
				"Authorization", BASIC);
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).as("the primary authenticated the client").isEqualTo("note 1 by kiwi");
		assertThat(created.headers().firstValue(PeerProtocol.POSITION_HEADER)).isPresent();

		HttpResponse<String> anonymous = cluster.send(cluster.replicaPort, "POST", "/notes?body=anonymous");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(challenge) -> assertThat(challenge).startsWith("Basic"));
		assertThat(cluster.replica.getBean(MeterRegistry.class)
			.find("kiwi.db.forwarded.requests")
			.tags("outcome", "forwarded", "status", "401")
			.timer()
			.count()).as("the 401 is the primary's, forwarded back").isEqualTo(1);

		assertThat(cluster.send(cluster.replicaPort, "GET", "/notes").statusCode())
			.as("the replica's own security guards its reads").isEqualTo(401);
		assertThat(cluster.send(cluster.replicaPort, "GET", "/notes", "Authorization", BASIC).body())
			.isEqualTo("secured");

		HttpResponse<String> peer = cluster.send(cluster.primaryPort, "GET", PeerProtocol.LOG_PATH, "Authorization",
				BASIC);
		assertThat(peer.statusCode()).as("an application user is no peer").isEqualTo(401);
		assertThat(peer.headers().firstValue("WWW-Authenticate")).hasValue("KiwiDb");

		assertThat(cluster.send(cluster.primaryPort, "POST", "/notes?body=streamed", "Authorization", BASIC)
			.statusCode()).isEqualTo(201);
		assertThat(awaitFollowing(cluster, "streaming")).containsEntry("role", "replica").doesNotContainKey("streamError");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> awaitFollowing(Cluster cluster, String following) throws InterruptedException {
		KiwiDbHealthIndicator health = cluster.replica.getBean(KiwiDbHealthIndicator.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		Map<String, Object> details = (Map<String, Object>) health.health(true).getDetails().get("replication");
		while (!following.equals(details.get("following")) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			details = (Map<String, Object>) health.health(true).getDetails().get("replication");
		}
		assertThat(details).containsEntry("following", following);
		return details;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
			SecurityFilterAutoConfiguration.class })
	static class SecuredNotes {

		/** HTTP Basic on every path; no CSRF tokens for an API of Basic clients. */
		@Bean
		SecurityFilterChain notesSecurity(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("kiwi").password("{noop}kiwi-password").roles("USER").build());
		}

	}

}
