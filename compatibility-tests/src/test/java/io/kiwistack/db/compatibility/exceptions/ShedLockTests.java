package io.kiwistack.db.compatibility.exceptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbAutoConfiguration;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.provider.sql.DatabaseProduct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * ShedLock's {@link JdbcTemplateLockProvider} on kiwi-db. It takes a lock by inserting its row and,
 * when that is a {@code DuplicateKeyException}, by updating the row if the lock expired: so a lock
 * taken before a restart is taken again once it expires, and a lock held now is refused, never an
 * exception.
 */
class ShedLockTests {

	/** ShedLock's table, in SQLite's terms; timestamps as the driver stores them. */
	static final String SHEDLOCK_TABLE = """
			CREATE TABLE shedlock (name VARCHAR(64) NOT NULL PRIMARY KEY, lock_until TIMESTAMP NOT NULL,
				locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL)""";

	private static final Duration LOCK_AT_MOST_FOR = Duration.ofMillis(800);

	@TempDir
	Path dir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KiwiDbAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
					JdbcClientAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class))
			.withUserConfiguration(LockProviderConfiguration.class)
			.withPropertyValues("kiwi.db.path=" + this.dir.resolve("shedlock.db"));
	}

	private static LockConfiguration nightlyReport() {
		return new LockConfiguration(Instant.now(), "nightly-report", LOCK_AT_MOST_FOR, Duration.ZERO);
	}

	@Test
	void aLockTakenBeforeARestartIsTakenAgainOnceItExpiresAndRefusedWhileHeld() throws Exception {
		Instant[] heldUntil = new Instant[1];
		runner().run((context) -> {
			context.getBean(JdbcClient.class).sql(SHEDLOCK_TABLE).update();
			JdbcTemplateLockProvider locks = context.getBean(JdbcTemplateLockProvider.class);
			heldUntil[0] = Instant.now().plus(LOCK_AT_MOST_FOR);
			Optional<SimpleLock> first = locks.lock(nightlyReport());
			assertThat(first).as("the first lock, a new row").isPresent();
			Optional<SimpleLock> concurrent = CompletableFuture.supplyAsync(() -> locks.lock(nightlyReport()))
				.get(10, TimeUnit.SECONDS);
			assertThat(concurrent).as("a second attempt from another thread while held").isEmpty();
			// The service stops without unlocking, as after a crash.
		});
		runner().run((context) -> {
			JdbcTemplateLockProvider locks = context.getBean(JdbcTemplateLockProvider.class);
			assertThat(locks.lock(nightlyReport())).as("right after the restart, still held").isEmpty();
			while (!Instant.now().isAfter(heldUntil[0].plusMillis(50))) {
				Thread.sleep(20);
			}
			Optional<SimpleLock> again = locks.lock(nightlyReport());
			assertThat(again).as("once the lock from before the restart expired").isPresent();
			assertThat(locks.lock(nightlyReport())).as("while the new holder has it").isEmpty();
			again.get().unlock();
			assertThat(locks.lock(nightlyReport())).as("after an unlock").isPresent();
			assertThat(context.getBean(JdbcClient.class)
				.sql("SELECT count(*) FROM shedlock WHERE name = 'nightly-report'")
				.query(Long.class)
				.single()).isEqualTo(1);
		});
	}

	/**
	 * ShedLock knows no SQLite: {@code usingDbTime()} has no statements for it. With kiwi-db the
	 * database lives in the service's own process, so its clock is the one every lock is judged by
	 * anyway; leave {@code usingDbTime()} out.
	 */
	@Test
	void usingDbTimeIsNotSupportedForSqliteByShedLock() {
		runner().run((context) -> {
			context.getBean(JdbcClient.class).sql(SHEDLOCK_TABLE).update();
			String productName = context.getBean(JdbcTemplate.class)
				.execute((Connection connection) -> connection.getMetaData().getDatabaseProductName());
			assertThat(productName).isEqualTo("SQLite");
			assertThat(DatabaseProduct.matchProductName(productName)).isEqualTo(DatabaseProduct.UNKNOWN);
			JdbcTemplateLockProvider dbTime = new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration
				.builder()
				.withJdbcTemplate(context.getBean(JdbcTemplate.class))
				.usingDbTime()
				.build());
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> dbTime.lock(nightlyReport()))
				.withMessageContaining("UNKNOWN");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class LockProviderConfiguration {

		@Bean
		JdbcTemplateLockProvider lockProvider(DataSource dataSource) {
			return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
				.withJdbcTemplate(new JdbcTemplate(dataSource))
				.build());
		}

	}

}
