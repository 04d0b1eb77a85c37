package io.kiwistack.db.compatibility.quartz;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Quartz job that writes a row through the application's data source each time it fires, on
 * Quartz's worker thread: the row names the application run and the trigger, and when the firing
 * was scheduled.
 */
public class TickJob implements Job {

	private final JdbcTemplate jdbc;

	private final Run run;

	/** Created by Boot's job factory, with the application's beans. */
	public TickJob(JdbcTemplate jdbc, Run run) {
		this.jdbc = jdbc;
		this.run = run;
	}

	@Override
	public void execute(JobExecutionContext context) {
		this.jdbc.update("INSERT INTO tick (run, trigger_name, scheduled_at) VALUES (?, ?, ?)", this.run.name(),
				context.getTrigger().getKey().getName(), context.getScheduledFireTime().getTime());
	}

	/** Which start of the application a row was written in. */
	public record Run(String name) {
	}

}
