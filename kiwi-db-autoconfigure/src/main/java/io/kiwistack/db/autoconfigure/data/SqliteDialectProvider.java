package io.kiwistack.db.autoconfigure.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.relational.core.dialect.Dialect;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Lets Spring Data JDBC's {@link DialectResolver} recognise SQLite, which it does not know by
 * itself ("Cannot determine a dialect"). Registered in {@code META-INF/spring.factories}, so it
 * also serves Spring Data JDBC set up without Spring Boot.
 */
public class SqliteDialectProvider implements DialectResolver.JdbcDialectProvider {

	@Override
	public Optional<Dialect> getDialect(JdbcOperations operations) {
		Boolean sqlite = operations.execute((ConnectionCallback<Boolean>) SqliteDialectProvider::isSqlite);
		return Boolean.TRUE.equals(sqlite) ? Optional.of(SqliteDialect.INSTANCE) : Optional.empty();
	}

	static boolean isSqlite(Connection connection) throws SQLException {
		return "SQLite".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
	}

}
