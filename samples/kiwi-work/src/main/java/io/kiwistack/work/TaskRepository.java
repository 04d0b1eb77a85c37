package io.kiwistack.work;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL access to the {@code tasks} table.
 */
@Repository
public class TaskRepository {

	private static final String COLUMNS = "id, title, done, created_at";

	private final JdbcClient jdbc;

	public TaskRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Task insert(String title) {
		return this.jdbc.sql("INSERT INTO tasks (title) VALUES (:title) RETURNING " + COLUMNS)
			.param("title", title)
			.query(TaskRepository::task)
			.single();
	}

	public Optional<Task> findById(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE id = :id")
			.param("id", id)
			.query(TaskRepository::task)
			.optional();
	}

	public List<Task> findPending() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM tasks WHERE done = 0 ORDER BY created_at, id")
			.query(TaskRepository::task)
			.list();
	}

	public boolean markDone(long id) {
		return this.jdbc.sql("UPDATE tasks SET done = 1 WHERE id = :id").param("id", id).update() == 1;
	}

	private static Task task(ResultSet rs, int rowNum) throws SQLException {
		return new Task(rs.getLong("id"), rs.getString("title"), rs.getBoolean("done"),
				Instant.parse(rs.getString("created_at")));
	}

}
