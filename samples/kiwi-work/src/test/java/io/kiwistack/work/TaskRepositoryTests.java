package io.kiwistack.work;

import java.util.List;

import io.kiwistack.db.test.KiwiDbTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kiwi Work's SQL on a fresh kiwi-db database: only the database and the repository under test are
 * loaded, and every test is rolled back.
 */
@KiwiDbTest
@Import(TaskRepository.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaskRepositoryTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TaskRepository tasks;

	@Test
	void noWebLayerOrServicesAreLoaded() {
		assertThat(this.context).isNotInstanceOf(WebApplicationContext.class);
		assertThat(this.context.getBeanNamesForAnnotation(RestController.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(TaskController.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(TaskService.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(DispatcherServlet.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(RequestMappingHandlerMapping.class)).isEmpty();
	}

	@Test
	void theMigrationsRan() {
		assertThat(this.jdbc.sql("SELECT version FROM flyway_schema_history WHERE success = 1")
			.query(String.class)
			.list()).containsExactly("1");
		assertThat(this.jdbc.sql("SELECT name FROM pragma_table_info('tasks') ORDER BY cid")
			.query(String.class)
			.list()).containsExactly("id", "title", "done", "created_at");
	}

	@Test
	@Order(1)
	void aTaskInsertedInOneTest() {
		Task task = this.tasks.insert("Water the kiwis");

		assertThat(task.id()).isPositive();
		assertThat(this.tasks.findPending()).containsExactly(task);
	}

	@Test
	@Order(2)
	void isGoneInTheNext() {
		assertThat(this.tasks.findPending()).isEmpty();
		assertThat(this.jdbc.sql("SELECT count(*) FROM tasks").query(Integer.class).single()).isZero();
	}

	@Test
	void doneTasksLeaveThePendingListWhichIsOldestFirst() {
		Task first = this.tasks.insert("Plant");
		Task second = this.tasks.insert("Water");
		Task third = this.tasks.insert("Harvest");

		assertThat(this.tasks.markDone(second.id())).isTrue();
		assertThat(this.tasks.markDone(4242)).isFalse();

		List<Task> pending = this.tasks.findPending();
		assertThat(pending).containsExactly(first, third);
		assertThat(this.tasks.findById(second.id())).get().extracting(Task::done).isEqualTo(true);
	}

}
