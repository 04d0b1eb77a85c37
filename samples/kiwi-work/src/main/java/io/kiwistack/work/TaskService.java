package io.kiwistack.work;

import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The task use cases, each one transaction. Reads are read-only transactions, which kiwi-db may
 * serve from a reader connection while the single writer is busy.
 */
@Service
public class TaskService {

	private final TaskRepository tasks;

	public TaskService(TaskRepository tasks) {
		this.tasks = tasks;
	}

	@Transactional
	public Task create(String title) {
		return this.tasks.insert(title);
	}

	@Transactional(readOnly = true)
	public Task get(long id) {
		return this.tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	@Transactional(readOnly = true)
	public List<Task> pending() {
		return this.tasks.findPending();
	}

	/**
	 * Marks a task done; completing a task that is already done changes nothing.
	 * @param id the task's id
	 * @return the completed task
	 * @throws TaskNotFoundException if there is no such task
	 */
	@Transactional
	public Task complete(long id) {
		if (!this.tasks.markDone(id)) {
			throw new TaskNotFoundException(id);
		}
		return this.tasks.findById(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

}
