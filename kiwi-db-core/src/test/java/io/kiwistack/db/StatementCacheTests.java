package io.kiwistack.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementCacheTests {

	@TempDir
	Path dir;

	private final List<KiwiDataSource> opened = new ArrayList<>();

	@AfterEach
	void closeAll() throws SQLException {
		for (KiwiDataSource dataSource : this.opened) {
			dataSource.close();
		}
	}

	private KiwiDataSource open(String name, int cacheSize) throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve(name).toString()).statementCacheSize(cacheSize).build());
		this.opened.add(dataSource);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)");
		}
		return dataSource;
	}

	private static List<String> workload(KiwiDataSource dataSource) throws SQLException {
		List<String> results = new ArrayList<>();
		try (Connection connection = dataSource.getConnection()) {
			for (int i = 0; i < 300; i++) {
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name, qty) VALUES (?, ?)")) {
					insert.setString(1, "item-" + i);
					insert.setInt(2, i % 7);
					results.add("inserted " + insert.executeUpdate());
				}
			}
			for (int i = 1; i <= 300; i += 13) {
				try (PreparedStatement select = connection.prepareStatement("SELECT name, qty FROM items WHERE id = ?")) {
					select.setInt(1, i);
					try (ResultSet rows = select.executeQuery()) {
						while (rows.next()) {
							results.add(rows.getString(1) + "/" + rows.getInt(2));
						}
					}
				}
			}
			try (PreparedStatement grouped = connection
				.prepareStatement("SELECT qty, count(*) FROM items GROUP BY qty ORDER BY qty")) {
				try (ResultSet rows = grouped.executeQuery()) {
					while (rows.next()) {
						results.add(rows.getInt(1) + ":" + rows.getInt(2));
					}
				}
			}
		}
		return results;
	}

	@Test
	void resultsAreTheSameWithTheCacheOnAndOff() throws SQLException {
		List<String> cached = workload(open("cached.db", 64));
		List<String> uncached = workload(open("uncached.db", 0));
		assertThat(cached).hasSize(300 + 24 + 7).isEqualTo(uncached);
	}

	@Test
	void aClosedStatementIsReusedWithItsParametersCleared() throws SQLException {
		KiwiDataSource dataSource = open("reuse.db", 8);
		try (Connection connection = dataSource.getConnection()) {
			PreparedStatement first = connection.prepareStatement("SELECT ?");
			Object firstTarget = first.unwrap(org.sqlite.jdbc3.JDBC3PreparedStatement.class);
			first.setString(1, "left behind");
			first.executeQuery().close();
			first.close();
			assertThat(first.isClosed()).isTrue();
			try (PreparedStatement second = connection.prepareStatement("SELECT ?")) {
				assertThat(second.unwrap(org.sqlite.jdbc3.JDBC3PreparedStatement.class)).isSameAs(firstTarget);
				assertThat(second.getConnection()).isSameAs(connection);
				try (ResultSet rows = second.executeQuery()) {
					rows.next();
					assertThat(rows.getString(1)).as("parameter bound by the previous caller").isNull();
				}
			}
			assertThatThrownBy(() -> first.setInt(1, 1)).isInstanceOf(SQLException.class).hasMessageContaining("closed");
		}
	}

	@Test
	void aSchemaChangeLeavesNoStaleStatementBehind() throws SQLException {
		KiwiDataSource dataSource = open("schema.db", 8);
		try (Connection connection = dataSource.getConnection()) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("INSERT INTO items (name, qty) VALUES ('a', 1)");
			}
			assertThat(columnsOfSelectStar(connection)).containsExactly("id", "name", "qty");
			try (Statement statement = connection.createStatement()) {
				statement.execute("ALTER TABLE items ADD COLUMN colour TEXT DEFAULT 'green'");
			}
			assertThat(columnsOfSelectStar(connection)).containsExactly("id", "name", "qty", "colour");
			try (Statement statement = connection.createStatement()) {
				statement.execute("DROP TABLE items");
				statement.execute("CREATE TABLE items (only_column TEXT)");
				statement.execute("INSERT INTO items VALUES ('x')");
			}
			assertThat(columnsOfSelectStar(connection)).containsExactly("only_column");
		}
	}

	private static List<String> columnsOfSelectStar(Connection connection) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("SELECT * FROM items");
				ResultSet rows = select.executeQuery()) {
			List<String> columns = new ArrayList<>();
			for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
				columns.add(rows.getMetaData().getColumnName(i));
			}
			assertThat(rows.next()).isTrue();
			assertThat(rows.getString(columns.size())).isNotNull();
			return columns;
		}
	}

	@Test
	void noStatementLeaksAfterAHundredThousandQueries() throws SQLException {
		int capacity = 16;
		KiwiDataSource dataSource = open("leaks.db", capacity);
		long sum = 0;
		for (int borrow = 0; borrow < 100; borrow++) {
			try (Connection connection = dataSource.getConnection()) {
				LentConnection lent = (LentConnection) connection;
				for (int i = 0; i < 1_000; i++) {
					// 40 distinct statements for 16 places: the cache must evict, not grow.
					try (PreparedStatement select = connection.prepareStatement("SELECT ? + " + (i % 40))) {
						select.setInt(1, i);
						try (ResultSet rows = select.executeQuery()) {
							rows.next();
							sum += rows.getLong(1);
						}
					}
				}
				assertThat(lent.openStatementCount()).isZero();
				assertThat(lent.physicalConnection().statements().size()).isLessThanOrEqualTo(capacity);
			}
		}
		assertThat(sum).isEqualTo(100L * (999L * 1000 / 2 + 25L * (39 * 40 / 2)));
	}

	@Test
	void insertsFetchGeneratedKeysOnlyWhenAskedTo() throws SQLException {
		KiwiDataSource dataSource = open("keys.db", 8);
		try (Connection connection = dataSource.getConnection()) {
			String insert = "INSERT INTO items (name, qty) VALUES (?, 1)";
			try (PreparedStatement plain = connection.prepareStatement(insert)) {
				plain.setString(1, "no keys");
				plain.executeUpdate();
				try (ResultSet keys = plain.getGeneratedKeys()) {
					assertThat(keys.next()).as("keys for a statement that did not ask").isFalse();
				}
			}
			try (PreparedStatement withKeys = connection.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
				withKeys.setString(1, "keys");
				withKeys.executeUpdate();
				try (ResultSet keys = withKeys.getGeneratedKeys()) {
					assertThat(keys.next()).isTrue();
					assertThat(keys.getLong(1)).isEqualTo(2);
				}
			}
			try (PreparedStatement byName = connection.prepareStatement(insert, new String[] { "id" })) {
				byName.setString(1, "keys by column");
				byName.executeUpdate();
				try (ResultSet keys = byName.getGeneratedKeys()) {
					assertThat(keys.next()).isTrue();
					assertThat(keys.getLong(1)).isEqualTo(3);
				}
			}
		}
	}

	@Test
	void aWriteOnAReaderConnectionFailsWithAnExplanation() throws SQLException {
		KiwiDataSource dataSource = KiwiDataSource
			.open(KiwiDbSettings.builder(this.dir.resolve("readers.db").toString()).readers(2).build());
		this.opened.add(dataSource);
		try (Connection writer = dataSource.getConnection(); Statement statement = writer.createStatement()) {
			statement.execute("CREATE TABLE notes (body TEXT)");
		}
		try (Connection reader = dataSource.readOnlyDataSource().orElseThrow().getConnection()) {
			assertThat(reader.isReadOnly()).isTrue();
			try (PreparedStatement insert = reader.prepareStatement("INSERT INTO notes VALUES (?)")) {
				insert.setString(1, "lost?");
				assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class)
					.hasMessageContaining("read-only transaction tried to write");
			}
			try (Statement plain = reader.createStatement()) {
				assertThatThrownBy(() -> plain.execute("DELETE FROM notes")).isInstanceOf(SQLException.class)
					.hasMessageContaining("read-only transaction tried to write");
			}
		}
		try (Connection writer = dataSource.getConnection(); Statement statement = writer.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM notes")) {
			rows.next();
			assertThat(rows.getInt(1)).isZero();
		}
	}

}
