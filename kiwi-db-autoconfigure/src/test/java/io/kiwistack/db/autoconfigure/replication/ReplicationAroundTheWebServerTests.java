package io.kiwistack.db.autoconfigure.replication;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.replication.KiwiDbReplicator;
import io.kiwistack.db.replication.ReplicaRestore;
import io.kiwistack.db.replication.file.FileReplicaClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replication around a real embedded Tomcat: it runs before the server takes its first request,
 * and when the application closes it ships what a request the server drained wrote, so it stopped
 * after the server and before the database closed.
 */
class ReplicationAroundTheWebServerTests {

	@TempDir
	Path dir;

	@Test
	void replicationStartsBeforeTheWebServerAndStopsAfterIt() {
		// Lower phases start first and stop last.
		assertThat(ReplicationLifecycle.PHASE).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE)
			.isLessThan(WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE);
		assertThat(new ReplicationLifecycle(null).isPauseable()).isFalse();
	}

	@Test
	void replicationRunsBeforeTheServerTakesRequestsAndShipsWhatADrainedRequestWrote() throws Exception {
		Path replica = this.dir.resolve("replica");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WebApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("kiwi.db.path=" + this.dir.resolve("app.db"), "kiwi.db.replication.enabled=true",
					"kiwi.db.replication.url=file:" + replica,
					// Only the final sync ships what the drained request writes.
					"kiwi.db.replication.sync-interval=1h")
			.run();
		Requests requests = context.getBean(Requests.class);
		KiwiDbReplicator replicator = context.getBean(KiwiDbReplicator.class);
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		try {
			assertThat(requests.replicationRunningWhenServerStarted)
				.as("replication was running when the server started to accept connections").isTrue();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			CompletableFuture<HttpResponse<String>> drained = http.sendAsync(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes?body=drained"))
						.POST(HttpRequest.BodyPublishers.noBody())
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(requests.arrived.await(10, TimeUnit.SECONDS)).isTrue();

			CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
			awaitConnectionsRefused(port);
			assertThat(replicator.isRunning()).as("replication runs on while the server drains").isTrue();
			requests.release.countDown();

			HttpResponse<String> response = drained.get(30, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			closed.get(60, TimeUnit.SECONDS);
			assertThat(replicator.isRunning()).isFalse();
			assertThat(requests.replicationRunningAtEachRequest).containsExactly(true);
		}
		finally {
			requests.release.countDown();
			context.close();
		}
		assertThat(restoredNotes(replica)).as("the write of the drained request, shipped by the final sync")
			.containsExactly("drained");
	}

	/** Graceful shutdown closes the server socket first, then waits for requests in flight. */
	private static void awaitConnectionsRefused(int port) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			}
			catch (ConnectException ex) {
				return;
			}
			catch (IOException ex) {
				// A timeout: try again.
			}
			Thread.sleep(20);
		}
		throw new AssertionError("The server went on accepting connections after the application began to close");
	}

	private List<String> restoredNotes(Path replica) throws Exception {
		Path restored = this.dir.resolve("restored.db");
		try (FileReplicaClient client = new FileReplicaClient(replica)) {
			assertThat(ReplicaRestore.latest(client, restored, false)).isPresent();
		}
		List<String> notes = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT body FROM notes ORDER BY id")) {
			while (rows.next()) {
				notes.add(rows.getString(1));
			}
		}
		return notes;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
			DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
			FlywayAutoConfiguration.class })
	static class WebApplication {

		@Bean
		TomcatServletWebServerFactory tomcat() {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
			factory.setShutdown(Shutdown.GRACEFUL);
			return factory;
		}

		@Bean
		Requests requests(KiwiDbReplicator replicator) {
			return new Requests(replicator);
		}

		@Bean
		ServletRegistrationBean<NoteServlet> noteServlet(JdbcClient jdbc, Requests requests) {
			return new ServletRegistrationBean<>(new NoteServlet(jdbc, requests), "/notes");
		}

	}

	/** What the server saw of replication, and a request held until the test lets it go on. */
	static class Requests implements ApplicationListener<ServletWebServerInitializedEvent> {

		final KiwiDbReplicator replicator;

		final CountDownLatch arrived = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<Boolean> replicationRunningAtEachRequest = new ArrayList<>();

		volatile boolean replicationRunningWhenServerStarted;

		Requests(KiwiDbReplicator replicator) {
			this.replicator = replicator;
		}

		/** Published once the server accepts connections. */
		@Override
		public void onApplicationEvent(ServletWebServerInitializedEvent event) {
			this.replicationRunningWhenServerStarted = this.replicator.isRunning();
		}

	}

	/** Writes a note once the test releases the request. */
	static class NoteServlet extends HttpServlet {

		private final transient JdbcClient jdbc;

		private final transient Requests requests;

		NoteServlet(JdbcClient jdbc, Requests requests) {
			this.jdbc = jdbc;
			this.requests = requests;
		}

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			synchronized (this.requests) {
				this.requests.replicationRunningAtEachRequest.add(this.requests.replicator.isRunning());
			}
			this.requests.arrived.countDown();
			try {
				if (!this.requests.release.await(30, TimeUnit.SECONDS)) {
					response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
				return;
			}
			this.jdbc.sql("INSERT INTO notes (body) VALUES (?)").param(request.getParameter("body")).update();
			response.getWriter().write("written");
		}

	}

}
