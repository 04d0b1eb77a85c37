package io.kiwistack.db.autoconfigure.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.kiwistack.db.replication.KiwiDbReplicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes of a small web service in {@code auto} mode, in this JVM: the first to start takes the
 * claim and migrates, the second follows and forwards writes to it; once the first stops cleanly,
 * the second becomes the primary in place (the same {@code DataSource} bean, now writing) within
 * about a second, with every note written before.
 */
class AutoModeWebTests {

	@TempDir
	Path dir;

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@AfterEach
	void stop() {
		if (this.second != null) {
			this.second.close();
		}
		if (this.first != null) {
			this.first.close();
		}
	}

	private ConfigurableApplicationContext node(String name, int port) {
		return Cluster.node(new Class<?>[] { NoteService.class }, port, new String[0],
				"kiwi.db.path=" + this.dir.resolve(name + ".db"), "kiwi.db.replication.url=file:" + this.dir.resolve("replica"),
				"kiwi.db.replication.mode=auto", "kiwi.db.replication.lease-timeout=3s",
				"kiwi.db.replication.sync-interval=100ms", "kiwi.db.replication.poll-interval=100ms",
				"kiwi.db.replication.advertise-url=http://127.0.0.1:" + port);
	}

	@Test
	void theFollowerTakesOverInPlaceWhenThePrimaryStopsCleanly() throws Exception {
		int firstPort = Cluster.freePort();
		int secondPort = Cluster.freePort();
		this.first = node("first", firstPort);
		this.second = node("second", secondPort);
		assertThat(role(this.first)).isEqualTo("primary");
		assertThat(role(this.second)).isEqualTo("replica");
		assertThat(this.second.getBean(KiwiDbReplicator.class).takesWrites()).isFalse();

		assertThat(send(secondPort, "POST", "/notes?body=forwarded").statusCode()).isEqualTo(201);
		assertThat(send(firstPort, "POST", "/notes?body=direct").statusCode()).isEqualTo(201);
		DataSource dataSource = this.second.getBean(DataSource.class);

		long stoppedAt = System.nanoTime();
		this.first.close();
		this.first = null;
		HttpResponse<String> written = send(secondPort, "POST", "/notes?body=after");
		while (written.statusCode() != 201 && System.nanoTime() - stoppedAt < Duration.ofSeconds(10).toNanos()) {
			assertThat(written.statusCode()).as(written.body()).isEqualTo(503);
			assertThat(written.headers().firstValue("Retry-After")).hasValue("1");
			Thread.sleep(20);
			written = send(secondPort, "POST", "/notes?body=after");
		}
		Duration writesRefused = Duration.ofNanos(System.nanoTime() - stoppedAt);
		assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
		System.out.println("AutoModeWebTests: writes refused for " + writesRefused.toMillis()
				+ " ms after the primary's clean stop");
		assertThat(writesRefused).as("writes refused after the primary's clean stop").isLessThan(Duration.ofMillis(1500));

		assertThat(this.second.getBean(DataSource.class)).isSameAs(dataSource);
		assertThat(JdbcClient.create(dataSource).sql("SELECT body FROM notes ORDER BY id").query(String.class).list())
			.containsExactly("forwarded", "direct", "after");
		Map<String, Object> replication = replication(this.second);
		assertThat(replication).containsEntry("role", "primary").containsEntry("mode", "auto");
		assertThat((String) replication.get("lastElection")).startsWith("became the primary at")
			.contains("nobody held the claim");
	}

	@Test
	void aFormerPrimaryRestartedAfterAnotherNodeTookOverKeepsItsFileAsideAndFollows() throws Exception {
		int firstPort = Cluster.freePort();
		this.first = node("first", firstPort);
		assertThat(role(this.first)).isEqualTo("primary");
		this.first.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('mine')").update();
		this.first.close();
		this.first = null;

		// Nobody holds the claim once the first stopped cleanly: the second takes it and restores.
		this.second = node("second", Cluster.freePort());
		assertThat(role(this.second)).isEqualTo("primary");
		this.second.getBean(JdbcClient.class).sql("INSERT INTO notes (body) VALUES ('theirs')").update();
		this.second.getBean(KiwiDbReplicator.class).syncNow();

		this.first = node("first", firstPort);
		Map<String, Object> replication = replication(this.first);
		assertThat(replication).containsEntry("role", "replica");
		Path kept = Path.of((String) replication.get("keptAside"));
		assertThat(kept.getFileName().toString()).startsWith("first.db.kept-");
		assertThat(Files.isRegularFile(kept)).isTrue();
		assertThat(JdbcClient.create(this.first.getBean(DataSource.class))
			.sql("SELECT body FROM notes ORDER BY id")
			.query(String.class)
			.list()).containsExactly("mine", "theirs");
	}

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private HttpResponse<String> send(int port, String method, String pathAndQuery) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String role(ConfigurableApplicationContext node) {
		return (String) replication(node).get("role");
	}

	private static Map<String, Object> replication(ConfigurableApplicationContext node) {
		return node.getBean(KiwiDbReplicator.class).health().details();
	}

}
