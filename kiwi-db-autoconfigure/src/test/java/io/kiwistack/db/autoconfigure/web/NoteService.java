package io.kiwistack.db.autoconfigure.web;

import java.io.IOException;
import java.util.List;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.health.KiwiDbHealthContributorAutoConfiguration;
import io.kiwistack.db.autoconfigure.replication.KiwiDbReplicationAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A tiny web service on kiwi-db for the cluster tests: {@code POST /notes?body=...} writes a note
 * (answering {@code 201}, the note's id, and a cookie of its own), {@code GET /notes} lists them.
 * Flyway creates the table on the primary; a replica gets it with the data.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ KiwiDbAutoConfiguration.class, KiwiDbReplicationAutoConfiguration.class,
		KiwiDbClusterWebAutoConfiguration.class, KiwiDbWriteRefusalWebAutoConfiguration.class,
		KiwiDbHealthContributorAutoConfiguration.class,
		DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class,
		FlywayAutoConfiguration.class })
class NoteService {

	@Bean
	TomcatServletWebServerFactory tomcat(Environment environment) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(
				environment.getRequiredProperty("test.port", Integer.class));
		factory.setAddress(java.net.InetAddress.getLoopbackAddress());
		return factory;
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	ServletRegistrationBean<NotesServlet> notesServlet(JdbcClient jdbc) {
		return new ServletRegistrationBean<>(new NotesServlet(jdbc), "/notes");
	}

	static class NotesServlet extends HttpServlet {

		private final transient JdbcClient jdbc;

		NotesServlet(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			try {
				this.jdbc.sql("INSERT INTO notes (body) VALUES (?)").param(request.getParameter("body")).update();
			}
			catch (org.springframework.dao.PermissionDeniedDataAccessException ex) {
				if (io.kiwistack.db.WriteFence.Refusal.in(ex) != null) {
					// A deposed primary's: left to kiwi-db's own answer, as an application that handles nothing.
					throw ex;
				}
				// A replica's own refusal (a path not forwarded): answered, not logged as a servlet failure.
				response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, ex.getMostSpecificCause().getMessage());
				return;
			}
			long id = this.jdbc.sql("SELECT max(id) FROM notes").query(Long.class).single();
			response.setStatus(HttpServletResponse.SC_CREATED);
			response.addHeader("Set-Cookie", "note=" + id + "; Path=/");
			response.setHeader("X-Note-Host", request.getHeader("X-Forwarded-Host"));
			response.setContentType("text/plain");
			response.getWriter().write("note " + id + " by " + request.getRemoteUser());
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			List<String> notes = this.jdbc.sql("SELECT body FROM notes ORDER BY id").query(String.class).list();
			response.setContentType("text/plain");
			response.getWriter().write(String.join("\n", notes));
		}

	}

}
