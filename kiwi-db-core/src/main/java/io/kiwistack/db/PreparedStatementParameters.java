package io.kiwistack.db;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import org.sqlite.SQLiteConnection;

/**
 * The parameters of a prepared statement handle, bound straight on the driver's statement: the
 * calls JdbcTemplate-style code makes once per parameter of every query, written out so that each
 * is one plain call. A closed handle's {@link #prepared} is the {@link ClosedSentinel}, which
 * refuses every call.
 * @see KiwiPreparedStatement
 */
abstract class PreparedStatementParameters extends KiwiStatement implements PreparedStatement {

	/** The driver's prepared statement while the handle is open, the closed sentinel after. */
	PreparedStatement prepared;

	PreparedStatementParameters(PreparedStatement prepared, LentConnection connection, SQLiteConnection sqlite) {
		super(prepared, connection, sqlite);
		this.prepared = prepared;
	}

	@Override
	void retire() {
		super.retire();
		this.prepared = ClosedSentinel.STATEMENT;
	}

	@Override
	public void clearParameters() throws SQLException {
		this.prepared.clearParameters();
	}

	@Override
	public void setArray(int index, Array value) throws SQLException {
		this.prepared.setArray(index, value);
	}

	@Override
	public void setAsciiStream(int index, InputStream value, int length) throws SQLException {
		this.prepared.setAsciiStream(index, value, length);
	}

	@Override
	public void setAsciiStream(int index, InputStream value, long length) throws SQLException {
		this.prepared.setAsciiStream(index, value, length);
	}

	@Override
	public void setAsciiStream(int index, InputStream value) throws SQLException {
		this.prepared.setAsciiStream(index, value);
	}

	@Override
	public void setBigDecimal(int index, BigDecimal value) throws SQLException {
		this.prepared.setBigDecimal(index, value);
	}

	@Override
	public void setBinaryStream(int index, InputStream value, int length) throws SQLException {
		this.prepared.setBinaryStream(index, value, length);
	}

	@Override
	public void setBinaryStream(int index, InputStream value, long length) throws SQLException {
		this.prepared.setBinaryStream(index, value, length);
	}

	@Override
	public void setBinaryStream(int index, InputStream value) throws SQLException {
		this.prepared.setBinaryStream(index, value);
	}

	@Override
	public void setBlob(int index, InputStream value, long length) throws SQLException {
		this.prepared.setBlob(index, value, length);
	}

	@Override
	public void setBlob(int index, InputStream value) throws SQLException {
		this.prepared.setBlob(index, value);
	}

	@Override
	public void setBlob(int index, Blob value) throws SQLException {
		this.prepared.setBlob(index, value);
	}

	@Override
	public void setBoolean(int index, boolean value) throws SQLException {
		this.prepared.setBoolean(index, value);
	}

	@Override
	public void setBytes(int index, byte[] value) throws SQLException {
		this.prepared.setBytes(index, value);
	}

	@Override
	public void setByte(int index, byte value) throws SQLException {
		this.prepared.setByte(index, value);
	}

	@Override
	public void setCharacterStream(int index, Reader value, int length) throws SQLException {
		this.prepared.setCharacterStream(index, value, length);
	}

	@Override
	public void setCharacterStream(int index, Reader value, long length) throws SQLException {
		this.prepared.setCharacterStream(index, value, length);
	}

	@Override
	public void setCharacterStream(int index, Reader value) throws SQLException {
		this.prepared.setCharacterStream(index, value);
	}

	@Override
	public void setClob(int index, Reader value, long length) throws SQLException {
		this.prepared.setClob(index, value, length);
	}

	@Override
	public void setClob(int index, Reader value) throws SQLException {
		this.prepared.setClob(index, value);
	}

	@Override
	public void setClob(int index, Clob value) throws SQLException {
		this.prepared.setClob(index, value);
	}

	@Override
	public void setDate(int index, Date value, Calendar calendar) throws SQLException {
		this.prepared.setDate(index, value, calendar);
	}

	@Override
	public void setDate(int index, Date value) throws SQLException {
		this.prepared.setDate(index, value);
	}

	@Override
	public void setDouble(int index, double value) throws SQLException {
		this.prepared.setDouble(index, value);
	}

	@Override
	public void setFloat(int index, float value) throws SQLException {
		this.prepared.setFloat(index, value);
	}

	@Override
	public void setInt(int index, int value) throws SQLException {
		this.prepared.setInt(index, value);
	}

	@Override
	public void setLong(int index, long value) throws SQLException {
		this.prepared.setLong(index, value);
	}

	@Override
	public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
		this.prepared.setNCharacterStream(index, value, length);
	}

	@Override
	public void setNCharacterStream(int index, Reader value) throws SQLException {
		this.prepared.setNCharacterStream(index, value);
	}

	@Override
	public void setNClob(int index, Reader value, long length) throws SQLException {
		this.prepared.setNClob(index, value, length);
	}

	@Override
	public void setNClob(int index, Reader value) throws SQLException {
		this.prepared.setNClob(index, value);
	}

	@Override
	public void setNClob(int index, NClob value) throws SQLException {
		this.prepared.setNClob(index, value);
	}

	@Override
	public void setNString(int index, String value) throws SQLException {
		this.prepared.setNString(index, value);
	}

	@Override
	public void setNull(int index, int sqlType, String typeName) throws SQLException {
		this.prepared.setNull(index, sqlType, typeName);
	}

	@Override
	public void setNull(int index, int sqlType) throws SQLException {
		this.prepared.setNull(index, sqlType);
	}

	@Override
	public void setObject(int index, Object value, int targetSqlType, int scaleOrLength) throws SQLException {
		this.prepared.setObject(index, value, targetSqlType, scaleOrLength);
	}

	@Override
	public void setObject(int index, Object value, int targetSqlType) throws SQLException {
		this.prepared.setObject(index, value, targetSqlType);
	}

	@Override
	public void setObject(int index, Object value) throws SQLException {
		this.prepared.setObject(index, value);
	}

	@Override
	public void setRef(int index, Ref value) throws SQLException {
		this.prepared.setRef(index, value);
	}

	@Override
	public void setRowId(int index, RowId value) throws SQLException {
		this.prepared.setRowId(index, value);
	}

	@Override
	public void setSQLXML(int index, SQLXML value) throws SQLException {
		this.prepared.setSQLXML(index, value);
	}

	@Override
	public void setShort(int index, short value) throws SQLException {
		this.prepared.setShort(index, value);
	}

	@Override
	public void setString(int index, String value) throws SQLException {
		this.prepared.setString(index, value);
	}

	@Override
	public void setTimestamp(int index, Timestamp value, Calendar calendar) throws SQLException {
		this.prepared.setTimestamp(index, value, calendar);
	}

	@Override
	public void setTimestamp(int index, Timestamp value) throws SQLException {
		this.prepared.setTimestamp(index, value);
	}

	@Override
	public void setTime(int index, Time value, Calendar calendar) throws SQLException {
		this.prepared.setTime(index, value, calendar);
	}

	@Override
	public void setTime(int index, Time value) throws SQLException {
		this.prepared.setTime(index, value);
	}

	@Override
	public void setURL(int index, URL value) throws SQLException {
		this.prepared.setURL(index, value);
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int index, InputStream value, int length) throws SQLException {
		this.prepared.setUnicodeStream(index, value, length);
	}

	@Override
	public void setObject(int index, Object value, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		this.prepared.setObject(index, value, targetSqlType, scaleOrLength);
	}

	@Override
	public void setObject(int index, Object value, SQLType targetSqlType) throws SQLException {
		this.prepared.setObject(index, value, targetSqlType);
	}

}
