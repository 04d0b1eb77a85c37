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
 * Changes to the row of a result set handle, and to its columns by index, passed through to the
 * driver's result set. sqlite-jdbc's result sets are read-only, so the driver refuses these; the
 * caller gets the driver's own answer. Changes to columns by label are in
 * {@link ResultSetUpdatesByLabel}.
 * @see ResultSetHandle
 */
abstract class ResultSetUpdatesByIndex extends ResultSetReads {

	ResultSetUpdatesByIndex(ResultSet target) {
		super(target);
	}

	@Override
	public void cancelRowUpdates() throws SQLException {
		this.target.cancelRowUpdates();
	}

	@Override
	public void deleteRow() throws SQLException {
		this.target.deleteRow();
	}

	@Override
	public void insertRow() throws SQLException {
		this.target.insertRow();
	}

	@Override
	public void moveToCurrentRow() throws SQLException {
		this.target.moveToCurrentRow();
	}

	@Override
	public void moveToInsertRow() throws SQLException {
		this.target.moveToInsertRow();
	}

	@Override
	public void refreshRow() throws SQLException {
		this.target.refreshRow();
	}

	@Override
	public boolean rowDeleted() throws SQLException {
		return this.target.rowDeleted();
	}

	@Override
	public boolean rowInserted() throws SQLException {
		return this.target.rowInserted();
	}

	@Override
	public boolean rowUpdated() throws SQLException {
		return this.target.rowUpdated();
	}

	@Override
	public void updateArray(int columnIndex, Array value) throws SQLException {
		this.target.updateArray(columnIndex, value);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream value) throws SQLException {
		this.target.updateAsciiStream(columnIndex, value);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream value, int length) throws SQLException {
		this.target.updateAsciiStream(columnIndex, value, length);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream value, long length) throws SQLException {
		this.target.updateAsciiStream(columnIndex, value, length);
	}

	@Override
	public void updateBigDecimal(int columnIndex, BigDecimal value) throws SQLException {
		this.target.updateBigDecimal(columnIndex, value);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream value) throws SQLException {
		this.target.updateBinaryStream(columnIndex, value);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream value, int length) throws SQLException {
		this.target.updateBinaryStream(columnIndex, value, length);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream value, long length) throws SQLException {
		this.target.updateBinaryStream(columnIndex, value, length);
	}

	@Override
	public void updateBlob(int columnIndex, InputStream value) throws SQLException {
		this.target.updateBlob(columnIndex, value);
	}

	@Override
	public void updateBlob(int columnIndex, Blob value) throws SQLException {
		this.target.updateBlob(columnIndex, value);
	}

	@Override
	public void updateBlob(int columnIndex, InputStream value, long length) throws SQLException {
		this.target.updateBlob(columnIndex, value, length);
	}

	@Override
	public void updateBoolean(int columnIndex, boolean value) throws SQLException {
		this.target.updateBoolean(columnIndex, value);
	}

	@Override
	public void updateByte(int columnIndex, byte value) throws SQLException {
		this.target.updateByte(columnIndex, value);
	}

	@Override
	public void updateBytes(int columnIndex, byte[] value) throws SQLException {
		this.target.updateBytes(columnIndex, value);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader value) throws SQLException {
		this.target.updateCharacterStream(columnIndex, value);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader value, int length) throws SQLException {
		this.target.updateCharacterStream(columnIndex, value, length);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader value, long length) throws SQLException {
		this.target.updateCharacterStream(columnIndex, value, length);
	}

	@Override
	public void updateClob(int columnIndex, Reader value) throws SQLException {
		this.target.updateClob(columnIndex, value);
	}

	@Override
	public void updateClob(int columnIndex, Clob value) throws SQLException {
		this.target.updateClob(columnIndex, value);
	}

	@Override
	public void updateClob(int columnIndex, Reader value, long length) throws SQLException {
		this.target.updateClob(columnIndex, value, length);
	}

	@Override
	public void updateDate(int columnIndex, Date value) throws SQLException {
		this.target.updateDate(columnIndex, value);
	}

	@Override
	public void updateDouble(int columnIndex, double value) throws SQLException {
		this.target.updateDouble(columnIndex, value);
	}

	@Override
	public void updateFloat(int columnIndex, float value) throws SQLException {
		this.target.updateFloat(columnIndex, value);
	}

	@Override
	public void updateInt(int columnIndex, int value) throws SQLException {
		this.target.updateInt(columnIndex, value);
	}

	@Override
	public void updateLong(int columnIndex, long value) throws SQLException {
		this.target.updateLong(columnIndex, value);
	}

	@Override
	public void updateNCharacterStream(int columnIndex, Reader value) throws SQLException {
		this.target.updateNCharacterStream(columnIndex, value);
	}

	@Override
	public void updateNCharacterStream(int columnIndex, Reader value, long length) throws SQLException {
		this.target.updateNCharacterStream(columnIndex, value, length);
	}

	@Override
	public void updateNClob(int columnIndex, Reader value) throws SQLException {
		this.target.updateNClob(columnIndex, value);
	}

	@Override
	public void updateNClob(int columnIndex, NClob value) throws SQLException {
		this.target.updateNClob(columnIndex, value);
	}

	@Override
	public void updateNClob(int columnIndex, Reader value, long length) throws SQLException {
		this.target.updateNClob(columnIndex, value, length);
	}

	@Override
	public void updateNString(int columnIndex, String value) throws SQLException {
		this.target.updateNString(columnIndex, value);
	}

	@Override
	public void updateNull(int columnIndex) throws SQLException {
		this.target.updateNull(columnIndex);
	}

	@Override
	public void updateObject(int columnIndex, Object value) throws SQLException {
		this.target.updateObject(columnIndex, value);
	}

	@Override
	public void updateObject(int columnIndex, Object value, int scaleOrLength) throws SQLException {
		this.target.updateObject(columnIndex, value, scaleOrLength);
	}

	@Override
	public void updateRef(int columnIndex, Ref value) throws SQLException {
		this.target.updateRef(columnIndex, value);
	}

	@Override
	public void updateRow() throws SQLException {
		this.target.updateRow();
	}

	@Override
	public void updateRowId(int columnIndex, RowId value) throws SQLException {
		this.target.updateRowId(columnIndex, value);
	}

	@Override
	public void updateSQLXML(int columnIndex, SQLXML value) throws SQLException {
		this.target.updateSQLXML(columnIndex, value);
	}

	@Override
	public void updateShort(int columnIndex, short value) throws SQLException {
		this.target.updateShort(columnIndex, value);
	}

	@Override
	public void updateString(int columnIndex, String value) throws SQLException {
		this.target.updateString(columnIndex, value);
	}

	@Override
	public void updateTime(int columnIndex, Time value) throws SQLException {
		this.target.updateTime(columnIndex, value);
	}

	@Override
	public void updateTimestamp(int columnIndex, Timestamp value) throws SQLException {
		this.target.updateTimestamp(columnIndex, value);
	}

}
