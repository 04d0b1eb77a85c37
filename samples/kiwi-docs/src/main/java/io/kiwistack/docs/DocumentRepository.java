package io.kiwistack.docs;

import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;

/**
 * The {@code documents} table, through Spring Data JDBC.
 */
public interface DocumentRepository
		extends ListCrudRepository<Document, Long>, ListPagingAndSortingRepository<Document, Long> {

}
