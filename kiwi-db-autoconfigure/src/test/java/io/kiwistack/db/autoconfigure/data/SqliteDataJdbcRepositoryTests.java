package io.kiwistack.db.autoconfigure.data;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;
import io.kiwistack.db.autoconfigure.data.PurchaseOrder.Address;
import io.kiwistack.db.autoconfigure.data.PurchaseOrder.Coupon;
import io.kiwistack.db.autoconfigure.data.PurchaseOrder.OrderLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.data.jdbc.test.autoconfigure.DataJdbcTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase.Replace;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * Spring Data JDBC repositories on kiwi-db, through Boot's own {@code @DataJdbcTest} told not to
 * replace the database.
 */
@DataJdbcTest(properties = "spring.flyway.locations=classpath:db/data-jdbc")
@AutoConfigureTestDatabase(replace = Replace.NONE)
@DirtiesContext
class SqliteDataJdbcRepositoryTests {

	@TempDir
	static Path dir;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		registry.add("kiwi.db.path", () -> dir.resolve("data-jdbc.db").toString());
	}

	@Autowired
	DataSource dataSource;

	@Autowired
	JdbcDialect dialect;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	BookRepository books;

	@Autowired
	AccountRepository accounts;

	@Autowired
	PurchaseOrderRepository orders;

	@Test
	void dataJdbcTestWithoutReplacementRunsOnKiwiDbSqlite() throws Exception {
		assertThat(this.dataSource).isInstanceOf(KiwiDbDataSource.class);
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("SQLite");
		}
		assertThat(this.dialect).isSameAs(SqliteDialect.INSTANCE);
	}

	@Test
	void savingANewAggregateAssignsTheGeneratedId() {
		Book first = this.books.save(Book.of("Dune", 1965, true));
		Book second = this.books.save(Book.of("Solaris", 1961, false));

		assertThat(first.id()).isPositive();
		assertThat(second.id()).isGreaterThan(first.id());
		assertThat(this.books.findById(second.id())).contains(second);
	}

	@Test
	void pagesAreSortedAndCounted() {
		this.books.saveAll(List.of(Book.of("Neuromancer", 1984, true), Book.of("Hyperion", 1989, true),
				Book.of("Foundation", 1951, true), Book.of("Ubik", 1969, false), Book.of("Kindred", 1979, true)));

		Page<Book> firstPage = this.books.findAll(PageRequest.of(0, 2, Sort.by("title")));
		Page<Book> lastPage = this.books.findAll(PageRequest.of(2, 2, Sort.by("title")));

		assertThat(firstPage.getTotalElements()).isEqualTo(5);
		assertThat(firstPage.getTotalPages()).isEqualTo(3);
		assertThat(firstPage.map(Book::title)).containsExactly("Foundation", "Hyperion");
		assertThat(lastPage.map(Book::title)).containsExactly("Ubik");
		Page<Book> recent = this.books.findByPublishedGreaterThanEqual(1969,
				PageRequest.of(0, 2, Sort.by(Sort.Order.desc("published"))));
		assertThat(recent.map(Book::title)).containsExactly("Hyperion", "Neuromancer");
		assertThat(recent.getTotalElements()).isEqualTo(4);
		assertThat(this.books.findByInPrintTrue(Sort.by("published").descending())).extracting(Book::title)
			.containsExactly("Hyperion", "Neuromancer", "Kindred", "Foundation");
	}

	@Test
	void aLockingQueryRunsWithoutALockClause() {
		Book ubik = this.books.save(Book.of("Ubik", 1969, false));

		assertThat(this.books.findByTitle("Ubik")).containsExactly(ubik);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void aStaleUpdateFailsWithOptimisticLocking() {
		Account opened = this.accounts.save(new Account(null, "ada", 100, null));
		try {
			Account seenByFirstUser = this.accounts.findById(opened.id()).orElseThrow();
			Account seenBySecondUser = this.accounts.findById(opened.id()).orElseThrow();

			Account saved = this.accounts.save(seenByFirstUser.withBalance(150));

			assertThat(saved.version()).isEqualTo(seenByFirstUser.version() + 1);
			assertThatExceptionOfType(OptimisticLockingFailureException.class)
				.isThrownBy(() -> this.accounts.save(seenBySecondUser.withBalance(50)));
			assertThat(this.accounts.findById(opened.id())).get().extracting(Account::balance).isEqualTo(150L);
		}
		finally {
			this.accounts.deleteAll();
		}
	}

	@Test
	void anAggregateIsSavedAndLoadedWithItsEmbeddedValueAndItsCollections() {
		Instant placedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<OrderLine> lines = List.of(new OrderLine("kiwi", 3), new OrderLine("lime", 1));
		Set<Coupon> coupons = Set.of(new Coupon("WELCOME"), new Coupon("SPRING"));
		PurchaseOrder order = this.orders.save(
				new PurchaseOrder(null, "ada", new Address("1 Main Street", "Springfield"), lines, coupons, placedAt));

		PurchaseOrder loaded = this.orders.findById(order.id()).orElseThrow();

		assertThat(loaded).isEqualTo(order);
		assertThat(this.jdbc.sql("SELECT count(*) FROM order_line WHERE purchase_order = ?")
			.param(order.id())
			.query(Integer.class)
			.single()).isEqualTo(2);

		PurchaseOrder shortened = this.orders.save(loaded.withLines(List.of(new OrderLine("lime", 2))));

		assertThat(this.orders.findById(order.id())).contains(shortened);
		assertThat(this.jdbc.sql("SELECT count(*) FROM order_line").query(Integer.class).single()).isEqualTo(1);
		assertThat(this.jdbc.sql("SELECT code FROM coupon ORDER BY code").query(String.class).list())
			.containsExactly("SPRING", "WELCOME");
	}

	@Test
	void instantsAreStoredAsIsoTextThatSqliteDateFunctionsRead() {
		Instant placedAt = Instant.parse("2024-02-29T23:59:58.5Z");
		PurchaseOrder order = this.orders.save(new PurchaseOrder(null, "ada", null, List.of(), Set.of(), placedAt));

		String stored = this.jdbc.sql("SELECT placed_at FROM purchase_order WHERE id = ?")
			.param(order.id())
			.query(String.class)
			.single();
		String readBySqlite = this.jdbc.sql("SELECT strftime('%Y-%m-%d %H:%M:%f', placed_at) FROM purchase_order")
			.query(String.class)
			.single();

		assertThat(stored).isEqualTo("2024-02-29T23:59:58.500000000Z");
		assertThat(readBySqlite).isEqualTo("2024-02-29 23:59:58.500");
		this.jdbc.sql("UPDATE purchase_order SET placed_at = CURRENT_TIMESTAMP").update();
		assertThat(this.orders.findById(order.id()).orElseThrow().placedAt())
			.isCloseTo(Instant.now(), within(5, ChronoUnit.SECONDS));
	}

	@Test
	void anAggregateWithoutEmbeddedValueLoadsItAsNull() {
		PurchaseOrder order = this.orders
			.save(new PurchaseOrder(null, "bob", null, List.of(), Set.of(), Instant.EPOCH));

		assertThat(this.orders.findById(order.id())).get().satisfies((loaded) -> {
			assertThat(loaded.shipTo()).isNull();
			assertThat(loaded.lines()).isEmpty();
			assertThat(loaded.coupons()).isEmpty();
			assertThat(loaded.placedAt()).isEqualTo(Instant.EPOCH);
		});
	}

}
