package io.kiwistack.db;

import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
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
 * <p>
 * Nothing reached from the handle leads to the physical connection: statements, the result sets
 * they open ({@link ResultSetHandle}) and the {@link DatabaseMetaData} ({@link MetaDataHandle}) all
 * answer this handle from {@code getConnection()}, so closing the connection reached that way gives
 * it back too. The one way through is explicit: {@code unwrap(SQLiteConnection.class)} returns the
 * physical connection, for sqlite-jdbc's own API (commit listeners, say); the caller must not close
 * it or keep it past the handle.
 */
final class LentConnection extends ConnectionPassThrough {

	private final PhysicalConnection physical;

	private final Lender owner;

	private final boolean servesReadOnly;

	private final String replicaOf;

	private final OpenStatements openStatements = new OpenStatements();

	private boolean readOnly;

	private boolean returned;

	private final SqlNotes sql;

	private final LazyTransaction transaction;

	/** The writer's watch for a full disk; {@code null} on a reader. */
	private final DiskFullWatch diskFull;

	/** The writer's fence; {@code null} on a reader, which never writes. */
	private final WriteFence fence;

	/** The metadata handle, made at the first {@link #getMetaData()}. */
	private DatabaseMetaData metaData;

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
		this.sql = new SqlNotes(servesReadOnly);
		this.diskFull = owner.diskFullWatch();
		this.transaction = new LazyTransaction(physical.connection(), this.diskFull, owner.commitWatch());
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
		if (!this.sql.transactionBegun()) {
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

	/** Note SQL about to be prepared or run: see {@link SqlNotes}. */
	void noteSql(String sql) throws SQLException {
		this.sql.note(sql);
	}

	boolean transactionBegunInSql() {
		return this.sql.transactionBegun();
	}

	/** Whether this handle's own transaction is open in SQLite (begun by JDBC or in SQL). */
	boolean ownsOpenTransaction() {
		return this.transaction.open() || this.sql.transactionBegun();
	}

	/**
	 * End this handle's open transaction when it has changed nothing: no SQL but queries was
	 * prepared or run on this handle, and SQLite counts no changed row since it began.
	 * @return whether no transaction of this handle is open now
	 */
	boolean endTransactionIfItOnlyRead() throws SQLException {
		if (this.sql.transactionBegun() || this.sql.otherThanQueries()) {
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
		this.openStatements.closeAll();
	}

	/** Keep {@code statement} to close on return, until its borrower closes it. */
	<S extends KiwiStatement> S track(S statement) {
		return this.openStatements.add(statement);
	}

	void forget(KiwiStatement statement) {
		this.openStatements.remove(statement);
	}

	@Override
	SQLiteConnection physical() throws SQLException {
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
		StatementCache statements = this.physical.statements();
		StatementKey key = statements.key(sql, returnsGeneratedKeys);
		PreparedStatement target = statements.take(key);
		return track(new KiwiPreparedStatement(target, this, this.physical.connection(), statements, key));
	}

	private PreparedStatement uncached(PreparedStatement statement) {
		return track(new KiwiPreparedStatement(statement, this, this.physical.connection(), null, null));
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
		SQLiteConnection connection = physical();
		if (this.metaData == null) {
			this.metaData = MetaDataHandle.wrap(connection.getMetaData(), this);
		}
		return this.metaData;
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
	public void abort(Executor executor) throws SQLException {
		close();
	}

	/**
	 * This handle, or what the physical connection unwraps to: {@code unwrap(SQLiteConnection.class)}
	 * is the deliberate way to sqlite-jdbc's own API, and the one object reached from a handle that is
	 * not kiwi-db's. Closing what it returns closes SQLite's connection (kiwi-db then replaces it).
	 */
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
