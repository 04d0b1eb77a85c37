package io.kiwistack.db;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * The handle one borrower gets for a connection. Closing it gives the connection back instead of
 * closing it; after that the handle refuses every call, so a caller that kept it can't touch the
 * connection while another thread holds it. Statements the borrower left open are closed on
 * return, because an open statement pins a read snapshot and keeps checkpoints from finishing.
 * Prepared statements come from the connection's {@link StatementCache}.
 */
final class LentConnection implements Connection {

	private final PhysicalConnection physical;

	private final Lender owner;

	private final boolean servesReadOnly;

	private final String replicaOf;

	private final List<KiwiStatement> openStatements = new ArrayList<>();

	private boolean readOnly;

	private boolean returned;

	private boolean transactionBegunInSql;

	/** Whether SQL other than queries was prepared or run on this handle: it may have written. */
	private boolean preparedOtherThanQueries;

	private final LazyTransaction transaction;

	/** The writer's watch for a full disk; {@code null} on a reader. */
	private final DiskFullWatch diskFull;

	/** The writer's fence; {@code null} on a reader, which never writes. */
	private final WriteFence fence;

	LentConnection(PhysicalConnection physical, Lender owner, WriteFence fence) {
		this(physical, owner, false, null, fence);
	}

	LentConnection(PhysicalConnection physical, Lender owner, boolean servesReadOnly, String replicaOf) {
		this(physical, owner, servesReadOnly, replicaOf, null);
	}

	private LentConnection(PhysicalConnection physical, Lender owner, boolean servesReadOnly, String replicaOf,
			WriteFence fence) {
		this.fence = fence;
		this.physical = physical;
		this.owner = owner;
		this.servesReadOnly = servesReadOnly;
		this.replicaOf = replicaOf;
		this.diskFull = owner.diskFullWatch();
		this.transaction = new LazyTransaction(physical.connection(), this.diskFull);
	}

	/** Begin the borrower's transaction before a statement runs, if it is still waiting for one. */
	void beforeStatement() throws SQLException {
		physical();
		if (this.fence != null && !this.readOnly) {
			this.fence.check();
		}
		this.owner.checkMayRun(this);
		this.transaction.beginIfPending();
	}

	/** A statement failed: one refused for lack of space marks the writer's writes as failing. */
	void statementFailed(SQLException failure) {
		if (this.diskFull != null) {
			this.diskFull.failed(failure, this.physical.connection());
		}
	}

	/**
	 * A statement ran. Outside a transaction it committed itself, which can show that writes work
	 * again; a transaction begun in SQL commits later, by SQL this handle does not follow.
	 */
	void statementDone() {
		if (!this.transactionBegunInSql) {
			this.transaction.statementDone();
		}
	}

	/** The replica this node follows, when it is a read replica; {@code null} otherwise. */
	String replicaOf() {
		return this.replicaOf;
	}

	PhysicalConnection physicalConnection() {
		return this.physical;
	}

	/** Whether this connection only reads: a reader connection, or the writer in a read-only transaction. */
	boolean servesReadOnly() {
		return this.servesReadOnly || this.readOnly;
	}

	boolean isReadOnlyRequested() {
		return this.readOnly;
	}

	/**
	 * Remember SQL that opens a transaction behind JDBC's back ({@code BEGIN}, {@code SAVEPOINT}),
	 * so that returning the connection rolls it back even though auto-commit still reads true.
	 */
	void noteSql(String sql) throws SQLException {
		int start = firstWord(sql);
		if (!this.preparedOtherThanQueries && !isQuery(sql, start)) {
			this.preparedOtherThanQueries = true;
		}
		if (sql.regionMatches(true, start, "BEGIN", 0, 5) || sql.regionMatches(true, start, "SAVEPOINT", 0, 9)) {
			this.transactionBegunInSql = true;
		}
		else if (this.servesReadOnly && sql.regionMatches(true, start, "PRAGMA", 0, 6)) {
			String pragma = sql.toLowerCase(Locale.ROOT);
			// A reader may refuse writes by query_only alone (see ConnectionOpener): it stays on. And
			// only the writer (or the replicator) checkpoints.
			if (pragma.contains("query_only") || pragma.contains("wal_checkpoint")) {
				throw new SQLException("kiwi-db's read-only connections stay read-only; PRAGMA query_only and "
						+ "wal_checkpoint are not for them. Run writes in a read-write transaction.");
			}
		}
	}

	/** Whether {@code sql} reads only by its first word; a write in a WITH shows in SQLite's change count. */
	private static boolean isQuery(String sql, int start) {
		return sql.regionMatches(true, start, "SELECT", 0, 6) || sql.regionMatches(true, start, "WITH", 0, 4)
				|| sql.regionMatches(true, start, "VALUES", 0, 6);
	}

	/** Where the first word of {@code sql} starts, past whitespace and comments. */
	private static int firstWord(String sql) {
		int at = 0;
		while (at < sql.length()) {
			if (Character.isWhitespace(sql.charAt(at))) {
				at++;
			}
			else if (sql.startsWith("--", at)) {
				int end = sql.indexOf('\n', at);
				at = (end < 0) ? sql.length() : end + 1;
			}
			else if (sql.startsWith("/*", at)) {
				int end = sql.indexOf("*/", at + 2);
				at = (end < 0) ? sql.length() : end + 2;
			}
			else {
				break;
			}
		}
		return at;
	}


	boolean transactionBegunInSql() {
		return this.transactionBegunInSql;
	}

	/** Whether this handle's own transaction is open in SQLite (begun by JDBC or in SQL). */
	boolean ownsOpenTransaction() {
		return this.transaction.open() || this.transactionBegunInSql;
	}

	/**
	 * End this handle's open transaction when it has changed nothing: no SQL but queries was
	 * prepared or run on this handle, and SQLite counts no changed row since it began.
	 * @return whether no transaction of this handle is open now
	 */
	boolean endTransactionIfItOnlyRead() throws SQLException {
		if (this.transactionBegunInSql || this.preparedOtherThanQueries) {
			return !ownsOpenTransaction();
		}
		return this.transaction.endIfUnchanged();
	}

	/** Roll back this handle's own transaction, leaving the connection to the handles still lent. */
	void rollbackOwnTransaction() throws SQLException {
		if (this.transaction.open()) {
			this.transaction.rollback();
		}
	}

	int openStatementCount() {
		return this.openStatements.size();
	}

	void closeOpenStatements() throws SQLException {
		while (!this.openStatements.isEmpty()) {
			this.openStatements.get(this.openStatements.size() - 1).close();
		}
	}

	void forget(KiwiStatement handle) {
		for (int i = this.openStatements.size() - 1; i >= 0; i--) {
			if (this.openStatements.get(i) == handle) {
				this.openStatements.remove(i);
				return;
			}
		}
	}

	private SQLiteConnection physical() throws SQLException {
		if (this.returned) {
			throw new SQLException("This connection handle was closed and its connection given back to kiwi-db");
		}
		return this.physical.connection();
	}

	private Statement plain(Statement statement) {
		return track(new KiwiStatement(statement, this, this.physical.connection()));
	}

	private PreparedStatement cached(String sql, boolean returnsGeneratedKeys) throws SQLException {
		physical();
		noteSql(sql);
		StatementKey key = new StatementKey(sql, returnsGeneratedKeys);
		PreparedStatement target = this.physical.statements().take(key);
		return track(new KiwiPreparedStatement(target, this, this.physical.connection(), this.physical.statements(), key));
	}

	private PreparedStatement uncached(PreparedStatement statement) {
		return track(new KiwiPreparedStatement(statement, this, this.physical.connection(), null, null));
	}

	private <S extends KiwiStatement> S track(S statement) {
		this.openStatements.add(statement);
		return statement;
	}

	@Override
	public void close() throws SQLException {
		if (!this.returned) {
			this.returned = true;
			this.owner.giveBack(this);
		}
	}

	@Override
	public boolean isClosed() {
		return this.returned;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		SQLiteConnection connection = physical();
		// A reader connection refuses writes whatever is asked: nothing to switch.
		if (readOnly != this.readOnly && !this.servesReadOnly) {
			// sqlite-jdbc can't change its open mode; query_only makes SQLite refuse writes instead,
			// and a deferred BEGIN keeps a read-only transaction from taking the write lock.
			try (Statement statement = connection.createStatement()) {
				statement.execute("PRAGMA query_only = " + (readOnly ? 1 : 0));
			}
			connection.getConnectionConfig()
				.setTransactionMode(readOnly ? SQLiteConfig.TransactionMode.DEFERRED
						: SQLiteConfig.TransactionMode.IMMEDIATE);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		physical();
		return servesReadOnly();
	}

	@Override
	public Statement createStatement() throws SQLException {
		return plain(physical().createStatement());
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return plain(physical().createStatement(resultSetType, resultSetConcurrency));
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		return plain(physical().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return cached(sql, false);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		noteSql(sql);
		return uncached(physical().prepareStatement(sql, resultSetType, resultSetConcurrency));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		noteSql(sql);
		return uncached(physical().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return cached(sql, autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return cached(sql, true);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return cached(sql, true);
	}

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
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		physical();
		this.transaction.setAutoCommit(autoCommit);
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		physical();
		return this.transaction.getAutoCommit();
	}

	@Override
	public void commit() throws SQLException {
		physical();
		this.owner.checkMayRun(this);
		if (this.fence != null) {
			this.fence.check();
			this.transaction.commit();
			this.fence.checkCommitted();
			return;
		}
		this.transaction.commit();
	}

	@Override
	public void rollback() throws SQLException {
		physical();
		this.owner.checkMayRun(this);
		this.transaction.rollback();
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		return physical().getMetaData();
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
	public Savepoint setSavepoint() throws SQLException {
		beforeStatement();
		return physical().setSavepoint();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		beforeStatement();
		return physical().setSavepoint(name);
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		beforeStatement();
		physical().rollback(savepoint);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		beforeStatement();
		physical().releaseSavepoint(savepoint);
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
	public boolean isValid(int timeout) throws SQLException {
		return !this.returned && this.physical.connection().isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		this.physical.connection().setClientInfo(name, value);
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		this.physical.connection().setClientInfo(properties);
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
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return physical().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return physical().createStruct(typeName, attributes);
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
	public void abort(Executor executor) throws SQLException {
		close();
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		physical().setNetworkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return physical().getNetworkTimeout();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		return physical().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || physical().isWrapperFor(iface);
	}

}
