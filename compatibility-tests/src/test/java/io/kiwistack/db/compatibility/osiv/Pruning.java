package io.kiwistack.db.compatibility.osiv;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Marks a vine pruned in a transaction with an isolation level, as services (and Spring Batch's
 * job repository) declare them.
 */
@Service
class Pruning {

	private final Vines vines;

	Pruning(Vines vines) {
		this.vines = vines;
	}

	@Transactional(isolation = Isolation.SERIALIZABLE)
	public void prune(long vineId) {
		this.vines.findById(vineId).orElseThrow().prune();
	}

}
