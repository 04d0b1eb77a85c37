package io.kiwistack.db.benchmarks;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /items} with {@code {"title": "...", "qty": n}}: inserts the row in a transaction
 * through JdbcClient and answers {@code 201} with it, the shape of Kiwi Work's {@code POST /tasks}.
 */
@RestController
public class ItemController {

	static final String PATH = "/items";

	private final ItemStore store;

	public ItemController(ItemStore store) {
		this.store = store;
	}

	@PostMapping(PATH)
	public ResponseEntity<NewItem> create(@RequestBody NewItem item) {
		this.store.insert(item.title(), item.qty());
		return ResponseEntity.status(HttpStatus.CREATED).body(item);
	}

	/** The request's body, and the answer's. */
	public record NewItem(String title, int qty) {
	}

}
