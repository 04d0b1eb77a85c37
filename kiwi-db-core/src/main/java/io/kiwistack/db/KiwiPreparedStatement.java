package io.kiwistack.db;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import org.sqlite.SQLiteConnection;

/**
 * A {@link KiwiStatement} for a prepared statement. Closing it returns the statement to its
 * connection's {@link StatementCache}, parameters and batch cleared. It asks sqlite-jdbc for
 * generated keys only around its own executions, and only when it was prepared to return them:
 * the driver otherwise runs an extra query after every insert.
 */
final class KiwiPreparedStatement extends KiwiStatement implements PreparedStatement {

	private final PreparedStatement prepared;

	private final StatementCache cache;

	private final StatementKey key;

	private boolean batched;

	KiwiPreparedStatement(PreparedStatement prepared, LentConnection connection, SQLiteConnection sqlite,
			StatementCache cache, StatementKey key) {
		super(prepared, connection, sqlite);
		this.prepared = prepared;
		this.cache = cache;
		this.key = key;
	}

	private boolean returnsGeneratedKeys() {
		return this.key != null && this.key.returnsGeneratedKeys();
	}

	@Override
	void beforeExecute(String sql) throws SQLException {
		super.beforeExecute(sql);
		if (returnsGeneratedKeys()) {
			this.sqlite.getConnectionConfig().setGetGeneratedKeys(true);
		}
	}

	@Override
	void afterExecute() {
		if (returnsGeneratedKeys()) {
			this.sqlite.getConnectionConfig().setGetGeneratedKeys(false);
		}
		super.afterExecute();
	}

	@Override
	void release() throws SQLException {
		if (this.cache == null || !this.reusable || this.prepared.isClosed()) {
			this.prepared.close();
			return;
		}
		try {
			if (lastResultSet() != null) {
				lastResultSet().close();
			}
			this.prepared.clearParameters();
			if (this.batched) {
				this.prepared.clearBatch();
			}
			this.cache.putBack(this.key, this.prepared);
		}
		catch (SQLException ex) {
			this.prepared.close();
			throw ex;
		}
	}

	@Override
	public boolean execute() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.execute();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public int executeUpdate() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.executeUpdate();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		checkOpen();
		return this.prepared.getParameterMetaData();
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		checkOpen();
		return this.prepared.getMetaData();
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		beforeExecute(null);
		try {
			return opened(this.prepared.executeQuery());
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public void addBatch() throws SQLException {
		checkOpen();
		this.batched = true;
		this.prepared.addBatch();
	}

	@Override
	public void clearParameters() throws SQLException {
		checkOpen();
		this.prepared.clearParameters();
	}

	@Override
	public void setArray(int a0, Array a1) throws SQLException {
		checkOpen();
		this.prepared.setArray(a0, a1);
	}

	@Override
	public void setAsciiStream(int a0, InputStream a1, int a2) throws SQLException {
		checkOpen();
		this.prepared.setAsciiStream(a0, a1, a2);
	}

	@Override
	public void setAsciiStream(int a0, InputStream a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setAsciiStream(a0, a1, a2);
	}

	@Override
	public void setAsciiStream(int a0, InputStream a1) throws SQLException {
		checkOpen();
		this.prepared.setAsciiStream(a0, a1);
	}

	@Override
	public void setBigDecimal(int a0, BigDecimal a1) throws SQLException {
		checkOpen();
		this.prepared.setBigDecimal(a0, a1);
	}

	@Override
	public void setBinaryStream(int a0, InputStream a1, int a2) throws SQLException {
		checkOpen();
		this.prepared.setBinaryStream(a0, a1, a2);
	}

	@Override
	public void setBinaryStream(int a0, InputStream a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setBinaryStream(a0, a1, a2);
	}

	@Override
	public void setBinaryStream(int a0, InputStream a1) throws SQLException {
		checkOpen();
		this.prepared.setBinaryStream(a0, a1);
	}

	@Override
	public void setBlob(int a0, InputStream a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setBlob(a0, a1, a2);
	}

	@Override
	public void setBlob(int a0, InputStream a1) throws SQLException {
		checkOpen();
		this.prepared.setBlob(a0, a1);
	}

	@Override
	public void setBlob(int a0, Blob a1) throws SQLException {
		checkOpen();
		this.prepared.setBlob(a0, a1);
	}

	@Override
	public void setBoolean(int a0, boolean a1) throws SQLException {
		checkOpen();
		this.prepared.setBoolean(a0, a1);
	}

	@Override
	public void setBytes(int a0, byte[] a1) throws SQLException {
		checkOpen();
		this.prepared.setBytes(a0, a1);
	}

	@Override
	public void setByte(int a0, byte a1) throws SQLException {
		checkOpen();
		this.prepared.setByte(a0, a1);
	}

	@Override
	public void setCharacterStream(int a0, Reader a1, int a2) throws SQLException {
		checkOpen();
		this.prepared.setCharacterStream(a0, a1, a2);
	}

	@Override
	public void setCharacterStream(int a0, Reader a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setCharacterStream(a0, a1, a2);
	}

	@Override
	public void setCharacterStream(int a0, Reader a1) throws SQLException {
		checkOpen();
		this.prepared.setCharacterStream(a0, a1);
	}

	@Override
	public void setClob(int a0, Reader a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setClob(a0, a1, a2);
	}

	@Override
	public void setClob(int a0, Reader a1) throws SQLException {
		checkOpen();
		this.prepared.setClob(a0, a1);
	}

	@Override
	public void setClob(int a0, Clob a1) throws SQLException {
		checkOpen();
		this.prepared.setClob(a0, a1);
	}

	@Override
	public void setDate(int a0, Date a1, Calendar a2) throws SQLException {
		checkOpen();
		this.prepared.setDate(a0, a1, a2);
	}

	@Override
	public void setDate(int a0, Date a1) throws SQLException {
		checkOpen();
		this.prepared.setDate(a0, a1);
	}

	@Override
	public void setDouble(int a0, double a1) throws SQLException {
		checkOpen();
		this.prepared.setDouble(a0, a1);
	}

	@Override
	public void setFloat(int a0, float a1) throws SQLException {
		checkOpen();
		this.prepared.setFloat(a0, a1);
	}

	@Override
	public void setInt(int a0, int a1) throws SQLException {
		checkOpen();
		this.prepared.setInt(a0, a1);
	}

	@Override
	public void setLong(int a0, long a1) throws SQLException {
		checkOpen();
		this.prepared.setLong(a0, a1);
	}

	@Override
	public void setNCharacterStream(int a0, Reader a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setNCharacterStream(a0, a1, a2);
	}

	@Override
	public void setNCharacterStream(int a0, Reader a1) throws SQLException {
		checkOpen();
		this.prepared.setNCharacterStream(a0, a1);
	}

	@Override
	public void setNClob(int a0, Reader a1, long a2) throws SQLException {
		checkOpen();
		this.prepared.setNClob(a0, a1, a2);
	}

	@Override
	public void setNClob(int a0, Reader a1) throws SQLException {
		checkOpen();
		this.prepared.setNClob(a0, a1);
	}

	@Override
	public void setNClob(int a0, NClob a1) throws SQLException {
		checkOpen();
		this.prepared.setNClob(a0, a1);
	}

	@Override
	public void setNString(int a0, String a1) throws SQLException {
		checkOpen();
		this.prepared.setNString(a0, a1);
	}

	@Override
	public void setNull(int a0, int a1, String a2) throws SQLException {
		checkOpen();
		this.prepared.setNull(a0, a1, a2);
	}

	@Override
	public void setNull(int a0, int a1) throws SQLException {
		checkOpen();
		this.prepared.setNull(a0, a1);
	}

	@Override
	public void setObject(int a0, Object a1, int a2, int a3) throws SQLException {
		checkOpen();
		this.prepared.setObject(a0, a1, a2, a3);
	}

	@Override
	public void setObject(int a0, Object a1, int a2) throws SQLException {
		checkOpen();
		this.prepared.setObject(a0, a1, a2);
	}

	@Override
	public void setObject(int a0, Object a1) throws SQLException {
		checkOpen();
		this.prepared.setObject(a0, a1);
	}

	@Override
	public void setRef(int a0, Ref a1) throws SQLException {
		checkOpen();
		this.prepared.setRef(a0, a1);
	}

	@Override
	public void setRowId(int a0, RowId a1) throws SQLException {
		checkOpen();
		this.prepared.setRowId(a0, a1);
	}

	@Override
	public void setSQLXML(int a0, SQLXML a1) throws SQLException {
		checkOpen();
		this.prepared.setSQLXML(a0, a1);
	}

	@Override
	public void setShort(int a0, short a1) throws SQLException {
		checkOpen();
		this.prepared.setShort(a0, a1);
	}

	@Override
	public void setString(int a0, String a1) throws SQLException {
		checkOpen();
		this.prepared.setString(a0, a1);
	}

	@Override
	public void setTimestamp(int a0, Timestamp a1, Calendar a2) throws SQLException {
		checkOpen();
		this.prepared.setTimestamp(a0, a1, a2);
	}

	@Override
	public void setTimestamp(int a0, Timestamp a1) throws SQLException {
		checkOpen();
		this.prepared.setTimestamp(a0, a1);
	}

	@Override
	public void setTime(int a0, Time a1, Calendar a2) throws SQLException {
		checkOpen();
		this.prepared.setTime(a0, a1, a2);
	}

	@Override
	public void setTime(int a0, Time a1) throws SQLException {
		checkOpen();
		this.prepared.setTime(a0, a1);
	}

	@Override
	public void setURL(int a0, URL a1) throws SQLException {
		checkOpen();
		this.prepared.setURL(a0, a1);
	}

	@Override
	public void setUnicodeStream(int a0, InputStream a1, int a2) throws SQLException {
		checkOpen();
		this.prepared.setUnicodeStream(a0, a1, a2);
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		beforeExecute(null);
		try {
			return this.prepared.executeLargeUpdate();
		}
		catch (SQLException ex) {
			throw failed(ex);
		}
		finally {
			afterExecute();
		}
	}

	@Override
	public void setObject(int a0, Object a1, SQLType a2, int a3) throws SQLException {
		checkOpen();
		this.prepared.setObject(a0, a1, a2, a3);
	}

	@Override
	public void setObject(int a0, Object a1, SQLType a2) throws SQLException {
		checkOpen();
		this.prepared.setObject(a0, a1, a2);
	}
}
