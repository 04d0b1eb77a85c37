package io.kiwistack.db.compatibility.samethread;

import java.nio.file.Path;
import java.util.List;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration;
import org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Batch's {@link JdbcCursorItemReader} holds a connection of its own, with its cursor open,
 * for the whole step, while each chunk commits in a transaction on the same thread: on kiwi-db both
 * share the one writer, and the job completes with every row copied.
 */
class BatchCursorReaderTests {

	private static final int ROWS = 95;

	@TempDir
	Path dir;

	@Test
	void aStepWithACursorReaderAndChunkTransactionsCompletesAndCopiesEveryRow() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, JdbcClientAutoConfiguration.class, BatchAutoConfiguration.class,
					BatchJdbcAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("batch.db"), "spring.batch.job.enabled=false",
					"spring.batch.jdbc.initialize-schema=always")
			.withUserConfiguration(CopyJob.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcClient jdbc = context.getBean(JdbcClient.class);
				jdbc.sql("CREATE TABLE source (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").update();
				jdbc.sql("CREATE TABLE target (id INTEGER PRIMARY KEY, name TEXT NOT NULL)").update();
				for (int id = 1; id <= ROWS; id++) {
					jdbc.sql("INSERT INTO source (id, name) VALUES (?, ?)").params(id, "row " + id).update();
				}
				JobExecution execution = context.getBean(JobOperator.class)
					.start(context.getBean(Job.class), new JobParametersBuilder().addLong("run", 1L).toJobParameters());
				assertThat(execution.getStatus()).as("job status, failures: %s", execution.getAllFailureExceptions())
					.isEqualTo(BatchStatus.COMPLETED);
				assertThat(execution.getStepExecutions()).singleElement()
					.satisfies((step) -> {
						assertThat(step.getReadCount()).isEqualTo(ROWS);
						assertThat(step.getWriteCount()).isEqualTo(ROWS);
						assertThat(step.getCommitCount()).as("chunk commits").isEqualTo(ROWS / 10 + 1);
					});
				List<String> copied = jdbc.sql("SELECT name FROM target ORDER BY id").query(String.class).list();
				assertThat(copied).hasSize(ROWS).startsWith("row 1", "row 2").endsWith("row " + ROWS);
				assertThat(jdbc.sql("SELECT status FROM BATCH_JOB_EXECUTION").query(String.class).single())
					.isEqualTo("COMPLETED");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CopyJob {

		@Bean
		Job copyJob(JobRepository jobRepository, Step copy) {
			return new JobBuilder("copy", jobRepository).start(copy).build();
		}

		@Bean
		Step copy(JobRepository jobRepository, PlatformTransactionManager transactionManager, DataSource dataSource) {
			JdbcCursorItemReader<Row> reader = new JdbcCursorItemReaderBuilder<Row>().name("source")
				.dataSource(dataSource)
				.sql("SELECT id, name FROM source ORDER BY id")
				.rowMapper((rs, rowNum) -> new Row(rs.getLong("id"), rs.getString("name")))
				.build();
			JdbcBatchItemWriter<Row> writer = new JdbcBatchItemWriterBuilder<Row>().dataSource(dataSource)
				.sql("INSERT INTO target (id, name) VALUES (:id, :name)")
				.beanMapped()
				.build();
			return new StepBuilder("copy", jobRepository).<Row, Row>chunk(10, transactionManager)
				.reader(reader)
				.writer(writer)
				.build();
		}

	}

	public record Row(long id, String name) {

		public long getId() {
			return this.id;
		}

		public String getName() {
			return this.name;
		}

	}

}
