package io.kiwistack.db.compatibility.quartz;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import io.kiwistack.db.autoconfigure.quartz.KiwiDbQuartzAutoConfiguration;
import io.kiwistack.db.compatibility.quartz.TickJob.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.Trigger.TriggerState;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Quartz's JDBC job store ({@code spring.quartz.job-store-type=jdbc}) on kiwi-db: a real scheduler
 * whose jobs, triggers and locks live in the database's {@code QRTZ_} tables, with no more
 * configuration than the job store type and schema initialization.
 */
class QuartzJdbcJobStoreTests {

	private static final String SCHEDULER = "quartzScheduler";

	private static final JobKey TICK = JobKey.jobKey("tick");

	@TempDir
	Path directory;

	@Test
	void aJobWritesARowEachTimeItsTriggerFires() {
		JobDetail job = tickJob();
		Trigger threeTimes = everyMillis(job, "three-times", 200, 2);
		quartz("first").withBean("tickJob", JobDetail.class, () -> job)
			.withBean("threeTimes", Trigger.class, () -> threeTimes)
			.run((context) -> {
				Scheduler scheduler = context.getBean(Scheduler.class);
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				// A simple trigger is removed from the store once it has fired its last time.
				await().atMost(Duration.ofSeconds(20)).until(() -> scheduler.getTriggersOfJob(TICK).isEmpty());

				List<Long> scheduled = jdbc.queryForList(
						"SELECT scheduled_at FROM tick WHERE trigger_name = 'three-times' ORDER BY scheduled_at", Long.class);
				assertThat(scheduled).hasSize(3);
				assertThat(List.of(scheduled.get(1) - scheduled.get(0), scheduled.get(2) - scheduled.get(1)))
					.containsExactly(200L, 200L);
				assertThat(jdbc.queryForList("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'QRTZ%'",
						String.class))
					.containsExactlyInAnyOrder("QRTZ_JOB_DETAILS", "QRTZ_TRIGGERS", "QRTZ_SIMPLE_TRIGGERS",
							"QRTZ_CRON_TRIGGERS", "QRTZ_SIMPROP_TRIGGERS", "QRTZ_BLOB_TRIGGERS", "QRTZ_CALENDARS",
							"QRTZ_PAUSED_TRIGGER_GRPS", "QRTZ_FIRED_TRIGGERS", "QRTZ_SCHEDULER_STATE", "QRTZ_LOCKS");
				assertThat(jdbc.queryForMap("SELECT SCHED_NAME, JOB_NAME, JOB_GROUP, JOB_CLASS_NAME, IS_DURABLE "
						+ "FROM QRTZ_JOB_DETAILS"))
					.containsExactlyInAnyOrderEntriesOf(Map.of("SCHED_NAME", SCHEDULER, "JOB_NAME", "tick",
							"JOB_GROUP", "DEFAULT", "JOB_CLASS_NAME", TickJob.class.getName(), "IS_DURABLE", 1));
				assertThat(count(jdbc, "QRTZ_TRIGGERS")).isZero();
				assertThat(count(jdbc, "QRTZ_FIRED_TRIGGERS")).isZero();
				// Quartz took its lock as a row: the job store runs with a lock handler SQLite can run.
				assertThat(jdbc.queryForList("SELECT SCHED_NAME || '/' || LOCK_NAME FROM QRTZ_LOCKS", String.class))
					.containsExactly(SCHEDULER + "/TRIGGER_ACCESS");
			});
	}

	@Test
	void aPersistedJobIsStillScheduledAfterARestartAndFiresAgain() {
		JobDetail job = tickJob();
		Trigger forever = everyMillis(job, "forever", 250, SimpleTrigger.REPEAT_INDEFINITELY);
		quartz("first").withBean("tickJob", JobDetail.class, () -> job)
			.withBean("forever", Trigger.class, () -> forever)
			.run((context) -> {
				JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> ticks(jdbc, "first") >= 2);
				assertThat(jdbc.queryForMap("SELECT t.JOB_NAME, t.TRIGGER_TYPE, s.REPEAT_COUNT, s.REPEAT_INTERVAL "
						+ "FROM QRTZ_TRIGGERS t JOIN QRTZ_SIMPLE_TRIGGERS s USING (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) "
						+ "WHERE t.TRIGGER_NAME = 'forever'"))
					.containsExactlyInAnyOrderEntriesOf(Map.of("JOB_NAME", "tick", "TRIGGER_TYPE", "SIMPLE",
							"REPEAT_COUNT", -1, "REPEAT_INTERVAL", 250));
			});

		// Stopped: the file is free, and what Quartz left in it is read without kiwi-db.
		JdbcTemplate file = new JdbcTemplate(new SingleConnectionDataSource("jdbc:sqlite:" + database(), true));
		int firstRun = ticks(file, "first");
		Map<String, Object> trigger = file.queryForMap("SELECT TRIGGER_STATE, TIMES_TRIGGERED FROM QRTZ_TRIGGERS "
				+ "JOIN QRTZ_SIMPLE_TRIGGERS USING (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) WHERE TRIGGER_NAME = 'forever'");
		assertThat(trigger).containsEntry("TIMES_TRIGGERED", firstRun);
		// The scheduler acquires a trigger ahead of its next firing and leaves it so when it stops;
		// the next start frees it. No job was stopped halfway: none is recorded as executing.
		assertThat(trigger.get("TRIGGER_STATE")).isIn("ACQUIRED", "WAITING");
		assertThat(file.queryForList("SELECT STATE FROM QRTZ_FIRED_TRIGGERS", String.class)).doesNotContain("EXECUTING");
		((SingleConnectionDataSource) file.getDataSource()).destroy();

		// The second start declares no job and no trigger: the scheduler finds them in the database.
		quartz("second").run((context) -> {
			Scheduler scheduler = context.getBean(Scheduler.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> ticks(jdbc, "second") >= 2);
			assertThat(scheduler.checkExists(TICK)).isTrue();
			assertThat(scheduler.getTriggerState(TriggerKey.triggerKey("forever"))).isEqualTo(TriggerState.NORMAL);
			assertThat(ticks(jdbc, "first")).isEqualTo(firstRun);
			assertThat(jdbc.queryForObject("SELECT MIN(scheduled_at) FROM tick WHERE run = 'second'", Long.class))
				.isGreaterThan(jdbc.queryForObject("SELECT MAX(scheduled_at) FROM tick WHERE run = 'first'", Long.class));
		});
	}

	@Test
	void aJobScheduledInTheApplicationsTransactionIsStoredOnlyIfItCommits() {
		quartz("first").run((context) -> {
			Scheduler scheduler = context.getBean(Scheduler.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));

			assertThatIllegalStateException().isThrownBy(() -> transaction.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO report_request (name) VALUES ('abandoned')");
				scheduleOnce(scheduler, "abandoned");
				throw new IllegalStateException("The request is abandoned");
			})).withMessage("The request is abandoned");
			transaction.executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO report_request (name) VALUES ('kept')");
				scheduleOnce(scheduler, "kept");
			});

			await().atMost(Duration.ofSeconds(20)).until(() -> ticks(jdbc, "first") >= 1);
			assertThat(jdbc.queryForList("SELECT name FROM report_request", String.class)).containsExactly("kept");
			assertThat(jdbc.queryForList("SELECT JOB_NAME FROM QRTZ_JOB_DETAILS", String.class)).containsExactly("kept");
			assertThat(jdbc.queryForList("SELECT trigger_name FROM tick", String.class)).containsExactly("kept");
		});
	}

	@Test
	void theApplicationsQuartzPropertiesWinOverKiwiDbs() {
		RecordingDelegate.created.set(0);
		quartz("first")
			.withPropertyValues(
					"spring.quartz.properties.org.quartz.jobStore.driverDelegateClass=" + RecordingDelegate.class.getName())
			.run((context) -> {
				scheduleOnce(context.getBean(Scheduler.class), "own-delegate");
				await().atMost(Duration.ofSeconds(20)).until(() -> ticks(context.getBean(JdbcTemplate.class), "first") == 1);
				assertThat(RecordingDelegate.created).hasPositiveValue();
			});
	}

	@Test
	void quartzsDefaultLockHandlerCannotStartTheSchedulerOnSqlite() {
		quartz("first")
			.withPropertyValues("spring.quartz.properties.org.quartz.jobStore.lockHandler.class="
					+ "org.quartz.impl.jdbcjobstore.StdRowLockSemaphore")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("near \"FOR\": syntax error"));
	}

	private ApplicationContextRunner quartz(String run) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, KiwiDbQuartzAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					FlywayAutoConfiguration.class, QuartzAutoConfiguration.class))
			.withPropertyValues("kiwi.db.path=" + database(), "spring.flyway.locations=classpath:db/quartz",
					"spring.quartz.job-store-type=jdbc",
					// Boot initializes only embedded databases by default; the SQLite tables keep
					// what is stored, so they can be created at every start.
					"spring.quartz.jdbc.initialize-schema=always",
					// A job still writing when the context closes would find the database closed.
					"spring.quartz.wait-for-jobs-to-complete-on-shutdown=true")
			.withBean(Run.class, () -> new Run(run));
	}

	private Path database() {
		return this.directory.resolve("quartz.db");
	}

	private static JobDetail tickJob() {
		return JobBuilder.newJob(TickJob.class).withIdentity(TICK).storeDurably().build();
	}

	private static Trigger everyMillis(JobDetail job, String name, int interval, int repeatCount) {
		return TriggerBuilder.newTrigger()
			.forJob(job)
			.withIdentity(name)
			.startNow()
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(interval)
				.withRepeatCount(repeatCount))
			.build();
	}

	private static void scheduleOnce(Scheduler scheduler, String name) {
		try {
			scheduler.scheduleJob(JobBuilder.newJob(TickJob.class).withIdentity(name).storeDurably().build(),
					TriggerBuilder.newTrigger().withIdentity(name).startNow().build());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int ticks(JdbcTemplate jdbc, String run) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM tick WHERE run = ?", Integer.class, run);
	}

	private static int count(JdbcTemplate jdbc, String table) {
		return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Integer.class);
	}

}
