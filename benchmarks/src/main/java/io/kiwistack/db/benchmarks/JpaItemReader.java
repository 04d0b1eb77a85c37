package io.kiwistack.db.benchmarks;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.transaction.annotation.Transactional;

/**
 * Application code reading through JPA: a read-only transaction of point lookups by id, as a
 * service's {@code findById} calls do.
 */
public class JpaItemReader {

	@PersistenceContext
	private EntityManager entityManager;

	/** Sum the quantities of {@code ids} in one read-only transaction. */
	@Transactional(readOnly = true)
	public long sumQuantities(long[] ids) {
		long sum = 0;
		for (long id : ids) {
			sum += this.entityManager.find(ItemEntity.class, id).getQty();
		}
		// Each lookup goes to the database, not to the persistence context of an earlier one.
		this.entityManager.clear();
		return sum;
	}

}
