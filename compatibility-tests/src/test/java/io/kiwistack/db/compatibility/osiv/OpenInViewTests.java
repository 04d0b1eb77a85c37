package io.kiwistack.db.compatibility.osiv;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.hibernate.KiwiDbHibernateAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web service on JPA with Boot's defaults, open-in-view included, served by a real Tomcat: each
 * request's EntityManager lives from the request's first query to its response, across the
 * repository's read-only and read-write transactions. The database is read back through a
 * connection of its own, outside the service.
 */
@SpringBootTest(classes = OpenInViewTests.Orchard.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.flyway.locations=classpath:db/osiv")
class OpenInViewTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	KiwiDbDataSource dataSource;

	@Autowired
	ApplicationContext context;

	@Test
	void openInViewIsOnAsBootConfiguresIt() {
		assertThat(this.context.getBeansOfType(OpenEntityManagerInViewInterceptor.class)).hasSize(1);
	}

	@Test
	void openInViewRequestThatReadsThenWritesCommitsItsWrite() throws Exception {
		long vine = insertVine("Hayward");

		HttpResponse<String> response = send("POST", "/vines/" + vine + "/harvests?kilograms=12");

		assertThat(response.statusCode()).isEqualTo(201);
		assertThat(rows("SELECT vine_id, kilograms FROM harvest WHERE id = " + response.body()))
			.containsExactly(vine + " 12");
	}

	@Test
	void openInViewRequestThatChangesAnEntityItFoundReadOnlyCommitsTheChange() throws Exception {
		long vine = insertVine("Hayward");

		HttpResponse<String> response = send("PUT", "/vines/" + vine + "?name=Hort16A");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Hort16A");
		assertThat(rows("SELECT name FROM vine WHERE id = " + vine)).containsExactly("Hort16A");
	}

	@Test
	void openInViewRequestThatReadsThenWritesWithAnIsolationLevelCommitsItsWrite() throws Exception {
		long vine = insertVine("Jenny");

		HttpResponse<String> response = send("POST", "/vines/" + vine + "/pruning");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(rows("SELECT pruned FROM vine WHERE id = " + vine)).containsExactly("1");
	}

	@Test
	void readOnlyRequestsRunOnTheReaders() throws Exception {
		long vine = insertVine("Bruno");
		long writerLent = this.dataSource.getKiwiDataSource().writerWaitStatistics().acquisitions();

		HttpResponse<String> response = send("GET", "/vines/" + vine);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Bruno");
		assertThat(this.dataSource.getKiwiDataSource().writerWaitStatistics().acquisitions()).isEqualTo(writerLent);
	}

	@Test
	void aRequestForAVineThatIsNotThereIsNotFound() throws Exception {
		assertThat(send("GET", "/vines/999999").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, BodyPublishers.noBody())
			.build();
		return this.http.send(request, BodyHandlers.ofString());
	}

	private long insertVine(String name) throws SQLException {
		try (Connection connection = connect();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO vine (name) VALUES (?) RETURNING id")) {
			insert.setString(1, name);
			try (ResultSet id = insert.executeQuery()) {
				id.next();
				return id.getLong(1);
			}
		}
	}

	/** The rows of a query, each as its columns joined by spaces, read on a connection of its own. */
	private List<String> rows(String query) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Connection connection = connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			int columns = result.getMetaData().getColumnCount();
			while (result.next()) {
				List<String> values = new ArrayList<>();
				for (int column = 1; column <= columns; column++) {
					values.add(result.getString(column));
				}
				rows.add(String.join(" ", values));
			}
		}
		return rows;
	}

	/** A connection outside kiwi-db's, with the same file locking, as the file is the service's. */
	private Connection connect() throws SQLException {
		return DriverManager.getConnection(this.dataSource.getKiwiDataSource().jdbcUrl());
	}

	@SpringBootConfiguration
	@AutoConfigurationPackage
	@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, KiwiDbHibernateAutoConfiguration.class,
			DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
			DataJpaRepositoriesAutoConfiguration.class, TransactionAutoConfiguration.class,
			TransactionManagerCustomizationAutoConfiguration.class, FlywayAutoConfiguration.class,
			TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
			WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
			JacksonAutoConfiguration.class, ErrorMvcAutoConfiguration.class })
	@Import({ VineController.class, Pruning.class })
	static class Orchard {

	}

}
