package io.kiwistack.db.autoconfigure.data;

import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.relational.core.sql.LockMode;
import org.springframework.data.relational.repository.Lock;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;

/**
 * Books, with derived paged and sorted queries.
 */
interface BookRepository extends ListCrudRepository<Book, Long>, ListPagingAndSortingRepository<Book, Long> {

	Page<Book> findByPublishedGreaterThanEqual(int year, Pageable pageable);

	List<Book> findByInPrintTrue(Sort sort);

	@Lock(LockMode.PESSIMISTIC_WRITE)
	List<Book> findByTitle(String title);

}
