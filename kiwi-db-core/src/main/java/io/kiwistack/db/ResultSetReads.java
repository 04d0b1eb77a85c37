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
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The column values of a result set handle, read straight from the driver's result set: the calls
 * a row mapper makes once per column of every row, so each is one plain call, written out rather
 * than proxied. A closed handle's {@link #target} is the {@link ClosedSentinel}, which refuses
 * every call.
 * @see ResultSetHandle
 */
abstract class ResultSetReads implements ResultSet {

	/** The driver's result set while the handle is open, the closed sentinel after. */
	ResultSet target;

	ResultSetReads(ResultSet target) {
		this.target = target;
	}

	@Override
	public Array getArray(int columnIndex) throws SQLException {
		return this.target.getArray(columnIndex);
	}

	@Override
	public Array getArray(String columnLabel) throws SQLException {
		return this.target.getArray(columnLabel);
	}

	@Override
	public InputStream getAsciiStream(int columnIndex) throws SQLException {
		return this.target.getAsciiStream(columnIndex);
	}

	@Override
	public InputStream getAsciiStream(String columnLabel) throws SQLException {
		return this.target.getAsciiStream(columnLabel);
	}

	@Override
	public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
		return this.target.getBigDecimal(columnIndex);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
		return this.target.getBigDecimal(columnIndex, scale);
	}

	@Override
	public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
		return this.target.getBigDecimal(columnLabel);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
		return this.target.getBigDecimal(columnLabel, scale);
	}

	@Override
	public InputStream getBinaryStream(int columnIndex) throws SQLException {
		return this.target.getBinaryStream(columnIndex);
	}

	@Override
	public InputStream getBinaryStream(String columnLabel) throws SQLException {
		return this.target.getBinaryStream(columnLabel);
	}

	@Override
	public Blob getBlob(int columnIndex) throws SQLException {
		return this.target.getBlob(columnIndex);
	}

	@Override
	public Blob getBlob(String columnLabel) throws SQLException {
		return this.target.getBlob(columnLabel);
	}

	@Override
	public boolean getBoolean(int columnIndex) throws SQLException {
		return this.target.getBoolean(columnIndex);
	}

	@Override
	public boolean getBoolean(String columnLabel) throws SQLException {
		return this.target.getBoolean(columnLabel);
	}

	@Override
	public byte getByte(int columnIndex) throws SQLException {
		return this.target.getByte(columnIndex);
	}

	@Override
	public byte getByte(String columnLabel) throws SQLException {
		return this.target.getByte(columnLabel);
	}

	@Override
	public byte[] getBytes(int columnIndex) throws SQLException {
		return this.target.getBytes(columnIndex);
	}

	@Override
	public byte[] getBytes(String columnLabel) throws SQLException {
		return this.target.getBytes(columnLabel);
	}

	@Override
	public Reader getCharacterStream(int columnIndex) throws SQLException {
		return this.target.getCharacterStream(columnIndex);
	}

	@Override
	public Reader getCharacterStream(String columnLabel) throws SQLException {
		return this.target.getCharacterStream(columnLabel);
	}

	@Override
	public Clob getClob(int columnIndex) throws SQLException {
		return this.target.getClob(columnIndex);
	}

	@Override
	public Clob getClob(String columnLabel) throws SQLException {
		return this.target.getClob(columnLabel);
	}

	@Override
	public Date getDate(int columnIndex) throws SQLException {
		return this.target.getDate(columnIndex);
	}

	@Override
	public Date getDate(int columnIndex, Calendar calendar) throws SQLException {
		return this.target.getDate(columnIndex, calendar);
	}

	@Override
	public Date getDate(String columnLabel) throws SQLException {
		return this.target.getDate(columnLabel);
	}

	@Override
	public Date getDate(String columnLabel, Calendar calendar) throws SQLException {
		return this.target.getDate(columnLabel, calendar);
	}

	@Override
	public double getDouble(int columnIndex) throws SQLException {
		return this.target.getDouble(columnIndex);
	}

	@Override
	public double getDouble(String columnLabel) throws SQLException {
		return this.target.getDouble(columnLabel);
	}

	@Override
	public float getFloat(int columnIndex) throws SQLException {
		return this.target.getFloat(columnIndex);
	}

	@Override
	public float getFloat(String columnLabel) throws SQLException {
		return this.target.getFloat(columnLabel);
	}

	@Override
	public int getInt(int columnIndex) throws SQLException {
		return this.target.getInt(columnIndex);
	}

	@Override
	public int getInt(String columnLabel) throws SQLException {
		return this.target.getInt(columnLabel);
	}

	@Override
	public long getLong(int columnIndex) throws SQLException {
		return this.target.getLong(columnIndex);
	}

	@Override
	public long getLong(String columnLabel) throws SQLException {
		return this.target.getLong(columnLabel);
	}

	@Override
	public Reader getNCharacterStream(int columnIndex) throws SQLException {
		return this.target.getNCharacterStream(columnIndex);
	}

	@Override
	public Reader getNCharacterStream(String columnLabel) throws SQLException {
		return this.target.getNCharacterStream(columnLabel);
	}

	@Override
	public NClob getNClob(int columnIndex) throws SQLException {
		return this.target.getNClob(columnIndex);
	}

	@Override
	public NClob getNClob(String columnLabel) throws SQLException {
		return this.target.getNClob(columnLabel);
	}

	@Override
	public String getNString(int columnIndex) throws SQLException {
		return this.target.getNString(columnIndex);
	}

	@Override
	public String getNString(String columnLabel) throws SQLException {
		return this.target.getNString(columnLabel);
	}

	@Override
	public Object getObject(int columnIndex) throws SQLException {
		return this.target.getObject(columnIndex);
	}

	@Override
	public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
		return this.target.getObject(columnIndex, type);
	}

	@Override
	public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
		return this.target.getObject(columnIndex, map);
	}

	@Override
	public Object getObject(String columnLabel) throws SQLException {
		return this.target.getObject(columnLabel);
	}

	@Override
	public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
		return this.target.getObject(columnLabel, type);
	}

	@Override
	public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
		return this.target.getObject(columnLabel, map);
	}

	@Override
	public Ref getRef(int columnIndex) throws SQLException {
		return this.target.getRef(columnIndex);
	}

	@Override
	public Ref getRef(String columnLabel) throws SQLException {
		return this.target.getRef(columnLabel);
	}

	@Override
	public RowId getRowId(int columnIndex) throws SQLException {
		return this.target.getRowId(columnIndex);
	}

	@Override
	public RowId getRowId(String columnLabel) throws SQLException {
		return this.target.getRowId(columnLabel);
	}

	@Override
	public SQLXML getSQLXML(int columnIndex) throws SQLException {
		return this.target.getSQLXML(columnIndex);
	}

	@Override
	public SQLXML getSQLXML(String columnLabel) throws SQLException {
		return this.target.getSQLXML(columnLabel);
	}

	@Override
	public short getShort(int columnIndex) throws SQLException {
		return this.target.getShort(columnIndex);
	}

	@Override
	public short getShort(String columnLabel) throws SQLException {
		return this.target.getShort(columnLabel);
	}

	@Override
	public String getString(int columnIndex) throws SQLException {
		return this.target.getString(columnIndex);
	}

	@Override
	public String getString(String columnLabel) throws SQLException {
		return this.target.getString(columnLabel);
	}

	@Override
	public Time getTime(int columnIndex) throws SQLException {
		return this.target.getTime(columnIndex);
	}

	@Override
	public Time getTime(int columnIndex, Calendar calendar) throws SQLException {
		return this.target.getTime(columnIndex, calendar);
	}

	@Override
	public Time getTime(String columnLabel) throws SQLException {
		return this.target.getTime(columnLabel);
	}

	@Override
	public Time getTime(String columnLabel, Calendar calendar) throws SQLException {
		return this.target.getTime(columnLabel, calendar);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex) throws SQLException {
		return this.target.getTimestamp(columnIndex);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex, Calendar calendar) throws SQLException {
		return this.target.getTimestamp(columnIndex, calendar);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel) throws SQLException {
		return this.target.getTimestamp(columnLabel);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel, Calendar calendar) throws SQLException {
		return this.target.getTimestamp(columnLabel, calendar);
	}

	@Override
	public URL getURL(int columnIndex) throws SQLException {
		return this.target.getURL(columnIndex);
	}

	@Override
	public URL getURL(String columnLabel) throws SQLException {
		return this.target.getURL(columnLabel);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(int columnIndex) throws SQLException {
		return this.target.getUnicodeStream(columnIndex);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(String columnLabel) throws SQLException {
		return this.target.getUnicodeStream(columnLabel);
	}

}
