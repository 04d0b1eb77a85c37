package io.kiwistack.db.autoconfigure.data;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/**
 * An account whose updates are guarded by optimistic locking.
 */
@Table
record Account(@Id Long id, String owner, long balance, @Version Long version) {

	Account withBalance(long balance) {
		return new Account(this.id, this.owner, balance, this.version);
	}

}
