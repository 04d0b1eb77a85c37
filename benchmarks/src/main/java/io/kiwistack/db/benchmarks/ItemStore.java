package io.kiwistack.db.benchmarks;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application code every Spring target runs, unchanged whatever the {@code DataSource} is:
 * Boot's {@link JdbcClient} and {@link JdbcTemplate}, transactions by {@link Transactional}. It
 * prepares, executes and closes a statement per query, as JdbcTemplate does.
 */
public class ItemStore {

	static final String INSERT = "INSERT INTO item (title, qty) VALUES (?, ?)";

	static final String CREATE_PAYLOAD_TABLE = "CREATE TABLE payload (id INTEGER PRIMARY KEY, body BLOB NOT NULL)";

	static final String INSERT_PAYLOAD = "INSERT INTO payload (body) VALUES (?)";

	static final String SELECT_BY_ID = "SELECT id, title, qty FROM item WHERE id = ?";

	static final RowMapper<Item> ITEM = (rows, rowNum) -> new Item(rows.getLong(1), rows.getString(2), rows.getInt(3));

	private final JdbcClient jdbcClient;

	private final JdbcTemplate jdbcTemplate;

	public ItemStore(JdbcClient jdbcClient, JdbcTemplate jdbcTemplate) {
		this.jdbcClient = jdbcClient;
		this.jdbcTemplate = jdbcTemplate;
	}

	/** One single-row write transaction. */
	@Transactional
	public int insert(String title, int qty) {
		return this.jdbcClient.sql(INSERT).param(title).param(qty).update();
	}

	/** A point select by primary key, outside any transaction. */
	public Item find(long id) {
		return this.jdbcClient.sql(SELECT_BY_ID).param(id).query(ITEM).single();
	}

	/** One read-only transaction doing a point select per id. */
	@Transactional(readOnly = true)
	public long sumQuantities(long[] ids) {
		long sum = 0;
		for (long id : ids) {
			sum += this.jdbcClient.sql(SELECT_BY_ID).param(id).query(ITEM).single().qty();
		}
		return sum;
	}

	/** {@code count} rows inserted by one JDBC batch in one transaction. */
	@Transactional
	public int insertBatch(String titlePrefix, int count) {
		int[] updated = this.jdbcTemplate.batchUpdate(INSERT, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement statement, int i) throws SQLException {
				statement.setString(1, titlePrefix + i);
				statement.setInt(2, i);
			}

			@Override
			public int getBatchSize() {
				return count;
			}

		});
		return updated.length;
	}

	/** Schema and {@code rows} rows, in one transaction; DDL differs only in the id column. */
	@Transactional
	public void createAndFill(String createTable, int rows) {
		this.jdbcClient.sql(createTable).update();
		if (rows > 0) {
			this.jdbcTemplate.batchUpdate(INSERT, new BatchPreparedStatementSetter() {

				@Override
				public void setValues(PreparedStatement statement, int i) throws SQLException {
					statement.setString(1, "item-" + i);
					statement.setInt(2, i);
				}

				@Override
				public int getBatchSize() {
					return rows;
				}

			});
		}
	}

	/** A table of larger rows, for a write load that grows the write-ahead log quickly. */
	public void createPayloadTable() {
		this.jdbcClient.sql(CREATE_PAYLOAD_TABLE).update();
	}

	/** One transaction inserting a row per body into the payload table, by one JDBC batch. */
	@Transactional
	public int insertPayloads(byte[][] bodies) {
		int[] updated = this.jdbcTemplate.batchUpdate(INSERT_PAYLOAD, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement statement, int i) throws SQLException {
				statement.setBytes(1, bodies[i]);
			}

			@Override
			public int getBatchSize() {
				return bodies.length;
			}

		});
		return updated.length;
	}

	/** Empty the table, between measurement iterations. */
	@Transactional
	public void deleteAll() {
		this.jdbcClient.sql("DELETE FROM item").update();
	}

	/** A pragma's value as this code's connection sees it (SQLite targets only). */
	public String pragma(String name) {
		return this.jdbcClient.sql("PRAGMA " + name).query(String.class).single();
	}

}
