package io.kiwistack.db.autoconfigure.data;

import org.springframework.data.repository.ListCrudRepository;

/**
 * Accounts.
 */
interface AccountRepository extends ListCrudRepository<Account, Long> {

}
