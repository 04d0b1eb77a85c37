package io.kiwistack.db.autoconfigure.data;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A book: an aggregate with a generated id, for paging and sorting.
 */
@Table
record Book(@Id Long id, String title, int published, boolean inPrint) {

	static Book of(String title, int published, boolean inPrint) {
		return new Book(null, title, published, inPrint);
	}

}
