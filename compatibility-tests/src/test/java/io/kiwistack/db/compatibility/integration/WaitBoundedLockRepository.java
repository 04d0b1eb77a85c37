package io.kiwistack.db.compatibility.integration;

import java.time.Duration;

import org.springframework.dao.TransientDataAccessException;
import org.springframework.integration.jdbc.lock.LockRepository;

/**
 * The README's recipe: a {@link LockRepository} that answers "not acquired" when the database could
 * not be written in time, so that {@code JdbcLock.tryLock(time, unit)} keeps to its wait time.
 * Spring Integration's {@code JdbcLock} retries a {@link TransientDataAccessException} without
 * looking at its deadline; on kiwi-db that is what a write gets when the one writer connection
 * stays busy past {@code kiwi.db.pool.acquire-timeout} (or another process holds the file's write
 * lock past {@code kiwi.db.busy-timeout}), and {@code tryLock} would wait until it is free.
 */
public class WaitBoundedLockRepository implements LockRepository {

	private final LockRepository repository;

	public WaitBoundedLockRepository(LockRepository repository) {
		this.repository = repository;
	}

	@Override
	public boolean acquire(String lock, Duration ttl) {
		try {
			return this.repository.acquire(lock, ttl);
		}
		catch (TransientDataAccessException ex) {
			// Not acquired this time: JdbcLock checks its deadline and tries again if there is time.
			return false;
		}
	}

	@Override
	public boolean isAcquired(String lock) {
		return this.repository.isAcquired(lock);
	}

	@Override
	public boolean delete(String lock) {
		return this.repository.delete(lock);
	}

	@Override
	public void deleteExpired() {
		this.repository.deleteExpired();
	}

	@Override
	public boolean renew(String lock, Duration ttl) {
		return this.repository.renew(lock, ttl);
	}

	@Override
	public void close() {
		this.repository.close();
	}

}
