package io.kiwistack.db;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
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

/**
 * Changes to the columns of a result set handle by label, passed through to the driver's result
 * set, which refuses them: sqlite-jdbc's result sets are read-only.
 * @see ResultSetUpdatesByIndex
 * @see ResultSetHandle
 */
abstract class ResultSetUpdatesByLabel extends ResultSetUpdatesByIndex {

	ResultSetUpdatesByLabel(ResultSet target) {
		super(target);
	}

	@Override
	public void updateArray(String columnLabel, Array value) throws SQLException {
		this.target.updateArray(columnLabel, value);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream value) throws SQLException {
		this.target.updateAsciiStream(columnLabel, value);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream value, int length) throws SQLException {
		this.target.updateAsciiStream(columnLabel, value, length);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream value, long length) throws SQLException {
		this.target.updateAsciiStream(columnLabel, value, length);
	}

	@Override
	public void updateBigDecimal(String columnLabel, BigDecimal value) throws SQLException {
		this.target.updateBigDecimal(columnLabel, value);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream value) throws SQLException {
		this.target.updateBinaryStream(columnLabel, value);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream value, int length) throws SQLException {
		this.target.updateBinaryStream(columnLabel, value, length);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream value, long length) throws SQLException {
		this.target.updateBinaryStream(columnLabel, value, length);
	}

	@Override
	public void updateBlob(String columnLabel, InputStream value) throws SQLException {
		this.target.updateBlob(columnLabel, value);
	}

	@Override
	public void updateBlob(String columnLabel, Blob value) throws SQLException {
		this.target.updateBlob(columnLabel, value);
	}

	@Override
	public void updateBlob(String columnLabel, InputStream value, long length) throws SQLException {
		this.target.updateBlob(columnLabel, value, length);
	}

	@Override
	public void updateBoolean(String columnLabel, boolean value) throws SQLException {
		this.target.updateBoolean(columnLabel, value);
	}

	@Override
	public void updateByte(String columnLabel, byte value) throws SQLException {
		this.target.updateByte(columnLabel, value);
	}

	@Override
	public void updateBytes(String columnLabel, byte[] value) throws SQLException {
		this.target.updateBytes(columnLabel, value);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader value) throws SQLException {
		this.target.updateCharacterStream(columnLabel, value);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader value, int length) throws SQLException {
		this.target.updateCharacterStream(columnLabel, value, length);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader value, long length) throws SQLException {
		this.target.updateCharacterStream(columnLabel, value, length);
	}

	@Override
	public void updateClob(String columnLabel, Reader value) throws SQLException {
		this.target.updateClob(columnLabel, value);
	}

	@Override
	public void updateClob(String columnLabel, Clob value) throws SQLException {
		this.target.updateClob(columnLabel, value);
	}

	@Override
	public void updateClob(String columnLabel, Reader value, long length) throws SQLException {
		this.target.updateClob(columnLabel, value, length);
	}

	@Override
	public void updateDate(String columnLabel, Date value) throws SQLException {
		this.target.updateDate(columnLabel, value);
	}

	@Override
	public void updateDouble(String columnLabel, double value) throws SQLException {
		this.target.updateDouble(columnLabel, value);
	}

	@Override
	public void updateFloat(String columnLabel, float value) throws SQLException {
		this.target.updateFloat(columnLabel, value);
	}

	@Override
	public void updateInt(String columnLabel, int value) throws SQLException {
		this.target.updateInt(columnLabel, value);
	}

	@Override
	public void updateLong(String columnLabel, long value) throws SQLException {
		this.target.updateLong(columnLabel, value);
	}

	@Override
	public void updateNCharacterStream(String columnLabel, Reader value) throws SQLException {
		this.target.updateNCharacterStream(columnLabel, value);
	}

	@Override
	public void updateNCharacterStream(String columnLabel, Reader value, long length) throws SQLException {
		this.target.updateNCharacterStream(columnLabel, value, length);
	}

	@Override
	public void updateNClob(String columnLabel, Reader value) throws SQLException {
		this.target.updateNClob(columnLabel, value);
	}

	@Override
	public void updateNClob(String columnLabel, NClob value) throws SQLException {
		this.target.updateNClob(columnLabel, value);
	}

	@Override
	public void updateNClob(String columnLabel, Reader value, long length) throws SQLException {
		this.target.updateNClob(columnLabel, value, length);
	}

	@Override
	public void updateNString(String columnLabel, String value) throws SQLException {
		this.target.updateNString(columnLabel, value);
	}

	@Override
	public void updateNull(String columnLabel) throws SQLException {
		this.target.updateNull(columnLabel);
	}

	@Override
	public void updateObject(String columnLabel, Object value) throws SQLException {
		this.target.updateObject(columnLabel, value);
	}

	@Override
	public void updateObject(String columnLabel, Object value, int scaleOrLength) throws SQLException {
		this.target.updateObject(columnLabel, value, scaleOrLength);
	}

	@Override
	public void updateRef(String columnLabel, Ref value) throws SQLException {
		this.target.updateRef(columnLabel, value);
	}

	@Override
	public void updateRowId(String columnLabel, RowId value) throws SQLException {
		this.target.updateRowId(columnLabel, value);
	}

	@Override
	public void updateSQLXML(String columnLabel, SQLXML value) throws SQLException {
		this.target.updateSQLXML(columnLabel, value);
	}

	@Override
	public void updateShort(String columnLabel, short value) throws SQLException {
		this.target.updateShort(columnLabel, value);
	}

	@Override
	public void updateString(String columnLabel, String value) throws SQLException {
		this.target.updateString(columnLabel, value);
	}

	@Override
	public void updateTime(String columnLabel, Time value) throws SQLException {
		this.target.updateTime(columnLabel, value);
	}

	@Override
	public void updateTimestamp(String columnLabel, Timestamp value) throws SQLException {
		this.target.updateTimestamp(columnLabel, value);
	}

}
