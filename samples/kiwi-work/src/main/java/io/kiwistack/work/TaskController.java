package io.kiwistack.work;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The tasks API. Errors are problem details ({@code application/problem+json}, see
 * {@link ApiProblemHandler}).
 * <ul>
 * <li>{@code POST /tasks} with {@code {"title": "..."}}: creates a task; {@code 201 Created}
 * with its {@code Location} and the task, {@code 400 Bad Request} if the title is blank, longer
 * than 4,000 characters or not a JSON string.</li>
 * <li>{@code GET /tasks}: the pending (not done) tasks, oldest first.</li>
 * <li>{@code GET /tasks/{id}}: the task, or {@code 404 Not Found}.</li>
 * <li>{@code POST /tasks/{id}/done}: marks the task done and returns it, or {@code 404 Not Found};
 * repeating it is harmless.</li>
 * </ul>
 */
@RestController
@RequestMapping("/tasks")
public class TaskController {

	private final TaskService tasks;

	public TaskController(TaskService tasks) {
		this.tasks = tasks;
	}

	@PostMapping
	public ResponseEntity<Task> create(@Valid @RequestBody NewTask request) {
		Task task = this.tasks.create(request.title());
		URI location = ServletUriComponentsBuilder.fromCurrentRequest()
			.path("/{id}")
			.buildAndExpand(task.id())
			.toUri();
		return ResponseEntity.created(location).body(task);
	}

	@GetMapping
	public List<Task> pending() {
		return this.tasks.pending();
	}

	@GetMapping("/{id}")
	public Task get(@PathVariable long id) {
		return this.tasks.get(id);
	}

	@PostMapping("/{id}/done")
	public Task complete(@PathVariable long id) {
		return this.tasks.complete(id);
	}

}
