package io.kiwistack.db;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.NClob;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.sqlite.SQLiteConnection;

/**
 * The part of a connection handle kiwi-db has nothing to add to: each call goes to the physical
 * connection unchanged, once {@link #physical()} has checked that the handle is still lent.
 * Nothing here returns an object that leads back to the physical connection; what does
 * (statements, metadata) is in {@link LentConnection}. sqlite-jdbc refuses {@code prepareCall}:
 * SQLite has no stored procedures.
 */
abstract class ConnectionPassThrough implements Connection {

	/**
	 * The physical connection, for a call the borrower makes now.
	 * @throws SQLException when the handle was closed and its connection given back
	 */
	abstract SQLiteConnection physical() throws SQLException;

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return physical().prepareCall(sql);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return physical().prepareCall(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return physical().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public String nativeSQL(String sql) throws SQLException {
		return physical().nativeSQL(sql);
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		physical().setCatalog(catalog);
	}

	@Override
	public String getCatalog() throws SQLException {
		return physical().getCatalog();
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		physical().setSchema(schema);
	}

	@Override
	public String getSchema() throws SQLException {
		return physical().getSchema();
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		physical().setTransactionIsolation(level);
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		return physical().getTransactionIsolation();
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		return physical().getWarnings();
	}

	@Override
	public void clearWarnings() throws SQLException {
		physical().clearWarnings();
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		return physical().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		physical().setTypeMap(map);
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		physical().setHoldability(holdability);
	}

	@Override
	public int getHoldability() throws SQLException {
		return physical().getHoldability();
	}

	@Override
	public Clob createClob() throws SQLException {
		return physical().createClob();
	}

	@Override
	public Blob createBlob() throws SQLException {
		return physical().createBlob();
	}

	@Override
	public NClob createNClob() throws SQLException {
		return physical().createNClob();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		return physical().createSQLXML();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return physical().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return physical().createStruct(typeName, attributes);
	}

	@Override
	public String getClientInfo(String name) throws SQLException {
		return physical().getClientInfo(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		return physical().getClientInfo();
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		physical().setNetworkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return physical().getNetworkTimeout();
	}

}
