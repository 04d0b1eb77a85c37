package io.kiwistack.db.autoconfigure.data;

import org.springframework.data.repository.ListCrudRepository;

/**
 * Orders.
 */
interface PurchaseOrderRepository extends ListCrudRepository<PurchaseOrder, Long> {

}
