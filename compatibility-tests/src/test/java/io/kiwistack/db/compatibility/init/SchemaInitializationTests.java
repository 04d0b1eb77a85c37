package io.kiwistack.db.compatibility.init;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.batch.KiwiDbBatchJdbcAutoConfiguration;
import io.kiwistack.db.autoconfigure.init.KiwiDbSqlInitializationAutoConfiguration;
import io.kiwistack.db.autoconfigure.init.SchemaScriptPartlyAppliedException;
import io.kiwistack.db.autoconfigure.session.KiwiDbJdbcSessionAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.jdbc.autoconfigure.JdbcSessionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot's script-based schema initialization with its defaults ({@code embedded} mode) on kiwi-db:
 * Spring Batch's job repository, Spring Session's tables and an application's own
 * {@code schema.sql} and {@code data.sql} appear as on an embedded database, once; a second start
 * on the same file neither fails nor duplicates them.
 */
class SchemaInitializationTests {

	@TempDir
	Path dir;

	@Test
	void batchJobRepositoryTablesAppearWithBootsDefaultsAndAJobRuns() {
		batch().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(tables(context)).contains("BATCH_JOB_INSTANCE", "BATCH_JOB_EXECUTION",
					"BATCH_JOB_EXECUTION_PARAMS", "BATCH_STEP_EXECUTION", "BATCH_STEP_EXECUTION_CONTEXT",
					"BATCH_JOB_EXECUTION_CONTEXT", "BATCH_JOB_INSTANCE_SEQ");
			assertThat(runHarvest(context, 1).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(jdbc(context).sql("SELECT status FROM BATCH_JOB_EXECUTION").query(String.class).list())
				.containsExactly("COMPLETED");
		});
	}

	@Test
	void batchStartedAgainOnTheSameFileKeepsItsJobRepository() {
		AtomicReference<List<String>> schema = new AtomicReference<>();
		batch().run((context) -> {
			runHarvest(context, 1);
			schema.set(schemaObjects(context));
		});
		batch().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(schemaObjects(context)).isEqualTo(schema.get());
			assertThat(runHarvest(context, 2).getStatus()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(jdbc(context).sql("SELECT count(*) FROM BATCH_JOB_INSTANCE").query(Long.class).single())
				.isEqualTo(2);
		});
	}

	@Test
	void sessionTablesAppearWithBootsDefaultsAndKeepSessionsAcrossAStart() {
		AtomicReference<List<String>> schema = new AtomicReference<>();
		AtomicReference<String> sessionId = new AtomicReference<>();
		session().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(tables(context)).contains("SPRING_SESSION", "SPRING_SESSION_ATTRIBUTES");
			SessionRepository<Session> sessions = sessions(context);
			Session session = sessions.createSession();
			session.setAttribute("basket", "kiwis");
			sessions.save(session);
			sessionId.set(session.getId());
			schema.set(schemaObjects(context));
		});
		session().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(schemaObjects(context)).isEqualTo(schema.get());
			Session session = sessions(context).findById(sessionId.get());
			assertThat((String) session.getAttribute("basket")).isEqualTo("kiwis");
		});
	}

	@Test
	void applicationSchemaAndDataScriptsRunOnceWithBootsDefaults() throws IOException {
		ClassLoader scripts = scripts("""
				CREATE TABLE vine (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
				CREATE INDEX vine_name ON vine (name);
				""", "INSERT INTO vine (name) VALUES ('Hayward');");
		AtomicReference<List<String>> schema = new AtomicReference<>();
		application(scripts).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(vines(context)).containsExactly("Hayward");
			schema.set(schemaObjects(context));
		});
		application(scripts).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(schemaObjects(context)).isEqualTo(schema.get());
			assertThat(vines(context)).containsExactly("Hayward");
		});
	}

	@Test
	void aSchemaScriptThatGainedATableAfterItRanStopsTheNextStartWithAnAnalysis() throws IOException {
		application(scripts("CREATE TABLE vine (id INTEGER PRIMARY KEY, name TEXT NOT NULL);", null))
			.run((context) -> assertThat(context).hasNotFailed());
		ClassLoader changed = scripts("""
				CREATE TABLE vine (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
				CREATE TABLE harvest (id INTEGER PRIMARY KEY, kilograms INTEGER NOT NULL);
				""", null);
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		application(changed).withInitializer(started::set).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isExactlyInstanceOf(SchemaScriptPartlyAppliedException.class);
			FailureAnalysis analysis = analyze(context.getStartupFailure(), started.get());
			assertThat(analysis.getDescription()).contains("schema.sql", "TABLE vine", "but not TABLE harvest");
			assertThat(analysis.getAction()).contains("spring.sql.init.mode=never", "kiwi.db.path");
		});
	}

	private ApplicationContextRunner batch() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					KiwiDbBatchJdbcAutoConfiguration.class, BatchJdbcAutoConfiguration.class,
					BatchAutoConfiguration.class))
			.withUserConfiguration(HarvestJob.class)
			.withPropertyValues(database());
	}

	private WebApplicationContextRunner session() {
		return new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					KiwiDbJdbcSessionAutoConfiguration.class, JdbcSessionAutoConfiguration.class,
					SessionAutoConfiguration.class))
			.withPropertyValues(database());
	}

	private ApplicationContextRunner application(ClassLoader scripts) {
		return new ApplicationContextRunner().withClassLoader(scripts)
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, DataSourceAutoConfiguration.class,
					KiwiDbSqlInitializationAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class))
			.withPropertyValues(database());
	}

	private String database() {
		return "kiwi.db.path=" + this.dir.resolve("app.db");
	}

	/** A class loader that finds {@code schema.sql} (and {@code data.sql}) where Boot looks by default. */
	private ClassLoader scripts(String schema, String data) throws IOException {
		Path root = Files.createTempDirectory(this.dir, "classes");
		Files.writeString(root.resolve("schema.sql"), schema);
		if (data != null) {
			Files.writeString(root.resolve("data.sql"), data);
		}
		return new URLClassLoader(new URL[] { root.toUri().toURL() }, getClass().getClassLoader());
	}

	private static JobExecution runHarvest(ApplicationContext context, long run) throws Exception {
		return context.getBean(JobOperator.class)
			.start(context.getBean(Job.class), new JobParametersBuilder().addLong("run", run).toJobParameters());
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static SessionRepository<Session> sessions(ApplicationContext context) {
		// JdbcIndexedSessionRepository's session type is not public: use it as the Session it is.
		return (SessionRepository) context.getBean(JdbcIndexedSessionRepository.class);
	}

	private static JdbcClient jdbc(ApplicationContext context) {
		return JdbcClient.create(context.getBean(DataSource.class));
	}

	private static List<String> tables(ApplicationContext context) {
		return jdbc(context).sql("SELECT name FROM sqlite_schema WHERE type = 'table'").query(String.class).list();
	}

	/** The schema's own objects; SQLite's statistics tables come with kiwi-db's PRAGMA optimize at close. */
	private static List<String> schemaObjects(ApplicationContext context) {
		return jdbc(context)
			.sql("SELECT type || ' ' || name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
			.query(String.class)
			.list();
	}

	private static List<String> vines(ApplicationContext context) {
		return jdbc(context).sql("SELECT name FROM vine").query(String.class).list();
	}

	private static FailureAnalysis analyze(Throwable failure, ConfigurableApplicationContext context) {
		ArgumentResolver arguments = ArgumentResolver.of(BeanFactory.class, context.getBeanFactory())
			.and(Environment.class, context.getEnvironment());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(SchemaInitializationTests.class.getClassLoader())
			.load(FailureAnalyzer.class, arguments, (factoryType, implementationName, ex) -> {
			});
		return analyzers.stream()
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElseThrow();
	}

	/** A one-step job that records nothing but its run in the job repository. */
	@Configuration(proxyBeanMethods = false)
	static class HarvestJob {

		@Bean
		Job harvest(JobRepository jobRepository, PlatformTransactionManager transactionManager) {
			return new JobBuilder("harvest", jobRepository)
				.start(new StepBuilder("pick", jobRepository)
					.tasklet((contribution, chunk) -> RepeatStatus.FINISHED, transactionManager)
					.build())
				.build();
		}

	}

}
