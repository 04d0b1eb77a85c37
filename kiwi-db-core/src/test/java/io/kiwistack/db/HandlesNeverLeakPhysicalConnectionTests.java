package io.kiwistack.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Whatever a borrower reaches from a connection handle (statements, their result sets, the
 * metadata and its result sets) leads back to kiwi-db's handle, never to sqlite-jdbc's connection:
 * closing the connection reached that way gives it back to kiwi-db, and once it is back every
 * object reached from it refuses use. Real SQLite files.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandlesNeverLeakPhysicalConnectionTests {

	private static final String SELECT = "SELECT name FROM items";

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeDataSources() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	/** A database with one row in {@code items}; borrowers wait at most 200 ms for a connection. */
	private KiwiDataSource open(UnaryOperator<KiwiDbSettings.Builder> customizer) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource.open(customizer
			.apply(KiwiDbSettings.builder(this.dir.resolve("app.db").toString()).acquireTimeout(Duration.ofMillis(200)))
			.build());
		this.opened.add(dataSource);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
			statement.execute("INSERT INTO items (name) VALUES ('first')");
		}
		return dataSource;
	}

	private KiwiDataSource open() throws SQLException {
		return open(UnaryOperator.identity());
	}

	/** From a connection handle, through what it gives out, to a connection. */
	@FunctionalInterface
	interface Route {

		Connection reach(Connection handle) throws SQLException;

	}

	static Stream<Arguments> routes() {
		return Stream.of(
				arguments("Statement.getConnection()", (Route) (handle) -> handle.createStatement().getConnection()),
				arguments("PreparedStatement.getConnection()",
						(Route) (handle) -> handle.prepareStatement(SELECT).getConnection()),
				arguments("executeQuery(sql).getStatement().getConnection()",
						(Route) (handle) -> handle.createStatement().executeQuery(SELECT).getStatement().getConnection()),
				arguments("prepared executeQuery().getStatement().getConnection()",
						(Route) (handle) -> handle.prepareStatement(SELECT).executeQuery().getStatement().getConnection()),
				arguments("getGeneratedKeys().getStatement().getConnection()",
						(Route) HandlesNeverLeakPhysicalConnectionTests::generatedKeysConnection),
				arguments("getResultSet().getStatement().getConnection()",
						(Route) HandlesNeverLeakPhysicalConnectionTests::resultSetConnection),
				arguments("DatabaseMetaData.getConnection()", (Route) (handle) -> handle.getMetaData().getConnection()),
				arguments("getTables(..).getStatement().getConnection()", (Route) (handle) -> handle.getMetaData()
					.getTables(null, null, "%", null)
					.getStatement()
					.getConnection()));
	}

	private static Connection generatedKeysConnection(Connection handle) throws SQLException {
		PreparedStatement insert = handle.prepareStatement("INSERT INTO items (name) VALUES (?)",
				Statement.RETURN_GENERATED_KEYS);
		insert.setString(1, "keyed");
		insert.executeUpdate();
		return insert.getGeneratedKeys().getStatement().getConnection();
	}

	private static Connection resultSetConnection(Connection handle) throws SQLException {
		Statement statement = handle.createStatement();
		assertThat(statement.execute(SELECT)).isTrue();
		return statement.getResultSet().getStatement().getConnection();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("routes")
	void everyRouteLeadsToTheHandleNotToSqlite(String route, Route way) throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection()) {
			Connection reached = way.reach(handle);
			assertThat(reached).isSameAs(handle).isNotInstanceOf(SQLiteConnection.class);
			assertThat(reached.getClass().getName()).doesNotStartWith("org.sqlite");
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("routes")
	void closingTheConnectionReachedGivesItBackAndLeavesSqliteOpen(String route, Route way) throws Exception {
		KiwiDataSource dataSource = open();
		Connection handle = dataSource.getConnection();
		SQLiteConnection physical = handle.unwrap(SQLiteConnection.class);
		Connection reached = way.reach(handle);

		reached.close();

		assertThat(handle.isClosed()).isTrue();
		assertThat(physical.isClosed()).as("SQLite's connection").isFalse();
		// Within the 200 ms acquire timeout: the writer is free at once, and it is the same connection.
		SQLiteConnection next = onAnotherThread(() -> {
			try (Connection connection = dataSource.getConnection()) {
				assertThat(count(connection)).isPositive();
				return connection.unwrap(SQLiteConnection.class);
			}
		});
		assertThat(next).isSameAs(physical);
		assertThatThrownBy(reached::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
	}

	@Test
	void closingTheConnectionReachedFromAReaderGivesTheReaderBack() throws Exception {
		KiwiDataSource dataSource = open((builder) -> builder.readers(1));
		DataSource readers = dataSource.readOnlyDataSource().orElseThrow();
		Connection reader = readers.getConnection();
		SQLiteConnection physical = reader.unwrap(SQLiteConnection.class);
		ResultSet rows = reader.prepareStatement("SELECT name FROM items").executeQuery();

		rows.getStatement().getConnection().close();

		assertThat(reader.isClosed()).isTrue();
		SQLiteConnection next = onAnotherThread(() -> {
			try (Connection connection = readers.getConnection()) {
				assertThat(count(connection)).isPositive();
				return connection.unwrap(SQLiteConnection.class);
			}
		});
		assertThat(next).as("the one reader, lent again").isSameAs(physical);
		assertThat(physical.isClosed()).isFalse();
	}

	@Test
	void theReaderGivenBackLastIsLentNext() throws Exception {
		KiwiDataSource dataSource = open((builder) -> builder.readers(4));
		DataSource readers = dataSource.readOnlyDataSource().orElseThrow();
		Connection a = readers.getConnection();
		Connection b = readers.getConnection();
		SQLiteConnection second = b.unwrap(SQLiteConnection.class);
		assertThat(a.unwrap(SQLiteConnection.class)).isNotSameAs(second);
		a.close();
		b.close();
		// b went back after a: a single thread reading again and again keeps getting b.
		for (int i = 0; i < 10; i++) {
			try (Connection reader = readers.getConnection()) {
				assertThat(count(reader)).isPositive();
				assertThat(reader.unwrap(SQLiteConnection.class)).as("borrow %d", i).isSameAs(second);
			}
		}
	}

	@Test
	void aThreadIsLentTheReaderItHadLastWhileThatOneIsIdle() throws Exception {
		KiwiDataSource dataSource = open((builder) -> builder.readers(4));
		DataSource readers = dataSource.readOnlyDataSource().orElseThrow();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try {
			Connection mine = readers.getConnection();
			SQLiteConnection minePhysical = mine.unwrap(SQLiteConnection.class);
			Connection theirs = other.submit(() -> (Connection) readers.getConnection()).get();
			SQLiteConnection theirsPhysical = other.submit(() -> theirs.unwrap(SQLiteConnection.class)).get();
			mine.close();
			other.submit(() -> {
				theirs.close();
				return null;
			}).get();
			// The other thread's reader went back last; this thread gets its own all the same.
			for (int i = 0; i < 3; i++) {
				try (Connection again = readers.getConnection()) {
					assertThat(count(again)).isPositive();
					assertThat(again.unwrap(SQLiteConnection.class)).as("borrow %d", i).isSameAs(minePhysical);
				}
			}
			assertThat(other.submit(() -> {
				try (Connection again = readers.getConnection()) {
					return again.unwrap(SQLiteConnection.class);
				}
			}).get()).as("the other thread's own").isSameAs(theirsPhysical);
			// While the other thread holds this thread's reader, this thread gets another one.
			Connection taken = other.submit(() -> {
				Connection first = readers.getConnection();
				Connection second = readers.getConnection();
				boolean secondIsMine = second.unwrap(SQLiteConnection.class) == minePhysical;
				(secondIsMine ? first : second).close();
				return secondIsMine ? second : first;
			}).get();
			assertThat(other.submit(() -> taken.unwrap(SQLiteConnection.class)).get()).isSameAs(minePhysical);
			try (Connection another = readers.getConnection()) {
				assertThat(another.unwrap(SQLiteConnection.class)).isNotSameAs(minePhysical);
				assertThat(count(another)).isPositive();
			}
			other.submit(() -> {
				taken.close();
				return null;
			}).get();
		}
		finally {
			other.shutdownNow();
		}
	}

	@Test
	void resultSetsAnswerTheStatementHandleThatProducedThem() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection()) {
			Statement plain = handle.createStatement();
			assertThat(plain.executeQuery("SELECT name FROM items").getStatement()).isSameAs(plain);
			assertThat(plain.execute("SELECT name FROM items")).isTrue();
			assertThat(plain.getResultSet().getStatement()).isSameAs(plain);
			plain.executeUpdate("INSERT INTO items (name) VALUES ('second')", Statement.RETURN_GENERATED_KEYS);
			ResultSet plainKeys = plain.getGeneratedKeys();
			assertThat(plainKeys.getStatement()).isSameAs(plain);
			assertThat(plain.getGeneratedKeys()).as("the same keys asked for twice").isSameAs(plainKeys);

			PreparedStatement prepared = handle.prepareStatement("SELECT name FROM items WHERE id = ?");
			prepared.setLong(1, 1);
			ResultSet rows = prepared.executeQuery();
			assertThat(rows.getStatement()).isSameAs(prepared).isNotInstanceOf(CoreStatement.class);
			assertThat(rows.next()).isTrue();
			assertThat(rows.getString(rows.findColumn("name"))).isEqualTo("first");
			assertThat(rows.wasNull()).isFalse();
			assertThat(rows.next()).isFalse();

			PreparedStatement insert = handle.prepareStatement("INSERT INTO items (name) VALUES (?)", new String[] { "id" });
			insert.setString(1, "third");
			insert.executeUpdate();
			ResultSet keys = insert.getGeneratedKeys();
			assertThat(keys.getStatement()).isSameAs(insert);
			assertThat(keys.next()).isTrue();
			assertThat(keys.getLong(1)).isEqualTo(3);
		}
	}

	@Test
	void metadataAndItsResultSetsAnswerTheHandle() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection()) {
			DatabaseMetaData metaData = handle.getMetaData();
			assertThat(metaData.getConnection()).isSameAs(handle);
			assertThat(metaData.getDatabaseProductName()).isEqualTo("SQLite");
			try (ResultSet tables = metaData.getTables(null, null, "items", null)) {
				assertThat(tables.next()).isTrue();
				assertThat(tables.getString("TABLE_NAME")).isEqualTo("items");
				Statement statement = tables.getStatement();
				assertThat(statement).isInstanceOf(KiwiStatement.class).isNotInstanceOf(CoreStatement.class);
				assertThat(statement.getConnection()).isSameAs(handle);
			}
			try (ResultSet columns = metaData.getColumns(null, null, "items", "%")) {
				assertThat(columns.getStatement().getConnection()).isSameAs(handle);
			}
			assertThatThrownBy(() -> metaData.getFunctions(null, null, "%"))
				.as("the driver's own exception, not reflection's wrapper")
				.isInstanceOf(SQLFeatureNotSupportedException.class);
		}
	}

	@Test
	void closingAMetadataStatementLeavesTheDriversMetadataWorking() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection()) {
			LentConnection lent = (LentConnection) handle;
			// sqlite-jdbc keeps the statement behind getTableTypes() for the next call.
			handle.getMetaData().getTableTypes().getStatement().close();
			try (ResultSet types = handle.getMetaData().getTableTypes()) {
				assertThat(types.next()).isTrue();
			}
			for (int i = 0; i < 100; i++) {
				handle.getMetaData().getTables(null, null, "%", null).close();
			}
			assertThat(lent.openStatementCount()).as("metadata statements of closed result sets").isZero();
			handle.getMetaData().getTables(null, null, "%", null);
			assertThat(lent.openStatementCount()).isOne();
		}
		try (Connection next = dataSource.getConnection(); ResultSet types = next.getMetaData().getTableTypes()) {
			assertThat(types.next()).isTrue();
		}
	}

	@Test
	void everythingReachedRefusesUseOnceTheHandleIsBack() throws SQLException {
		KiwiDataSource dataSource = open();
		Connection handle = dataSource.getConnection();
		Statement plain = handle.createStatement();
		ResultSet plainRows = plain.executeQuery("SELECT name FROM items");
		PreparedStatement insert = handle.prepareStatement("INSERT INTO items (name) VALUES (?)",
				Statement.RETURN_GENERATED_KEYS);
		insert.setString(1, "keyed");
		insert.executeUpdate();
		ResultSet keys = insert.getGeneratedKeys();
		DatabaseMetaData metaData = handle.getMetaData();
		ResultSet tables = metaData.getTables(null, null, "%", null);

		handle.close();

		assertThat(plain.isClosed()).isTrue();
		assertThat(insert.isClosed()).isTrue();
		assertThat(plainRows.isClosed()).isTrue();
		assertThat(keys.isClosed()).isTrue();
		assertThat(tables.isClosed()).isTrue();
		assertThatThrownBy(() -> plain.executeQuery("SELECT 1")).hasMessage("This statement is closed");
		assertThatThrownBy(plain::getConnection).hasMessage("This statement is closed");
		assertThatThrownBy(() -> insert.setString(1, "late")).hasMessage("This statement is closed");
		assertThatThrownBy(plainRows::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
		assertThatThrownBy(plainRows::getStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
		assertThatThrownBy(() -> keys.getLong(1)).isInstanceOf(SQLException.class).hasMessageContaining("closed");
		assertThatThrownBy(tables::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
		assertThatThrownBy(metaData::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("given back");
		assertThatThrownBy(() -> metaData.getTables(null, null, "%", null)).isInstanceOf(SQLException.class)
			.hasMessageContaining("given back");
		assertThatThrownBy(() -> metaData.unwrap(DatabaseMetaData.class)).isInstanceOf(SQLException.class)
			.hasMessageContaining("given back");
	}

	@Test
	void aKeptResultSetDoesNotFollowItsCachedStatementToTheNextBorrower() throws Exception {
		KiwiDataSource dataSource = open();
		String select = "SELECT name FROM items WHERE id = ?";
		ResultSet kept;
		try (Connection first = dataSource.getConnection(); PreparedStatement query = first.prepareStatement(select)) {
			query.setLong(1, 1);
			kept = query.executeQuery();
		}
		String seenByTheNext = onAnotherThread(() -> {
			try (Connection next = dataSource.getConnection(); Statement statement = next.createStatement()) {
				statement.execute("INSERT INTO items (name) VALUES ('the next borrower''s')");
				try (PreparedStatement query = next.prepareStatement(select)) {
					query.setLong(1, 2);
					ResultSet rows = query.executeQuery();
					assertThatThrownBy(kept::next).as("the first borrower's result set, over the same cached statement")
						.isInstanceOf(SQLException.class)
						.hasMessageContaining("closed");
					assertThat(rows.next()).isTrue();
					return rows.getString(1);
				}
			}
		});
		assertThat(seenByTheNext).isEqualTo("the next borrower's");
	}

	@Test
	void runningAgainClosesTheStatementsPreviousResults() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection();
				PreparedStatement query = handle.prepareStatement("SELECT name FROM items WHERE id = ?")) {
			query.setLong(1, 1);
			ResultSet first = query.executeQuery();
			ResultSet second = query.executeQuery();
			assertThat(second).isNotSameAs(first);
			assertThat(first.isClosed()).isTrue();
			assertThatThrownBy(first::next).isInstanceOf(SQLException.class).hasMessageContaining("closed");
			assertThat(second.next()).isTrue();
			assertThat(second.getString("name")).isEqualTo("first");
		}
	}

	@Test
	void aClosedStatementRefusesBeforeItBeginsATransaction() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection()) {
			handle.setAutoCommit(false);
			Statement statement = handle.createStatement();
			statement.close();
			assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO items (name) VALUES ('late')"))
				.isInstanceOf(SQLException.class)
				.hasMessage("This statement is closed");
			assertThatThrownBy(() -> statement.addBatch("BEGIN")).hasMessage("This statement is closed");
			assertThat(handle.unwrap(SQLiteConnection.class).getAutoCommit()).as("no transaction begun in SQLite")
				.isTrue();
			assertThat(((LentConnection) handle).ownsOpenTransaction()).isFalse();
			assertThat(statement.toString()).contains("closed");
		}
	}

	@Test
	void unwrapIsTheExplicitWayToSqliteJdbc() throws SQLException {
		KiwiDataSource dataSource = open();
		try (Connection handle = dataSource.getConnection();
				Statement statement = handle.createStatement();
				ResultSet rows = statement.executeQuery("SELECT name FROM items")) {
			assertThat(handle.unwrap(SQLiteConnection.class)).isInstanceOf(SQLiteConnection.class);
			assertThat(rows.isWrapperFor(ResultSet.class)).isTrue();
			assertThat(rows.unwrap(ResultSet.class)).as("kiwi-db's result set is a ResultSet").isSameAs(rows);
			assertThat(rows.isWrapperFor(org.sqlite.jdbc3.JDBC3ResultSet.class)).isTrue();
			assertThat(rows.unwrap(org.sqlite.jdbc3.JDBC3ResultSet.class)).isInstanceOf(org.sqlite.jdbc3.JDBC3ResultSet.class);
			DatabaseMetaData metaData = handle.getMetaData();
			assertThat(metaData.unwrap(DatabaseMetaData.class)).isSameAs(metaData);
			assertThat(metaData.unwrap(org.sqlite.jdbc3.JDBC3DatabaseMetaData.class).getConnection())
				.as("the escape hatch, taken on purpose")
				.isInstanceOf(SQLiteConnection.class);
		}
	}

	private static long count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM items")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	@FunctionalInterface
	interface Work<T> {

		T call() throws Exception;

	}

	/** Run {@code work} on a thread of its own, which holds no connection yet. */
	private static <T> T onAnotherThread(Work<T> work) throws Exception {
		CompletableFuture<T> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				result.complete(work.call());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		}, "another-borrower");
		thread.setDaemon(true);
		thread.start();
		try {
			return result.get(5, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
