package io.kiwistack.db.autoconfigure.migration;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.sqlite.SQLiteConnection;

/**
 * One loan of the writer connection to a migration tool, seen through a proxy: foreign keys are
 * turned off when it is lent (outside any transaction, the only place SQLite changes them), checked
 * before a migration commits, and restored, with {@code legacy_alter_table}, before the connection
 * is given back. kiwi-db resets transactions and statements at give-back but not pragmas, which
 * belong to the one physical connection the application uses next.
 */
final class SchemaChangeSession implements InvocationHandler, SchemaChangeConnection {

	private static final Log logger = LogFactory.getLog(SchemaChangeSession.class);

	private final Connection target;

	private final String tool;

	private boolean foreignKeysWereOn;

	private boolean legacyWas;

	private boolean legacyNow;

	/** The schema as of the last check (or the loan): a commit that changed it is checked. */
	private int checkedSchemaVersion;

	private Pending pending;

	private boolean closed;

	private SchemaChangeSession(Connection target, String tool) {
		this.target = target;
		this.tool = tool;
	}

	/**
	 * Start a loan of {@code target}, which must not be in a transaction.
	 * @param legacyAlterTable whether renames leave references alone for the whole loan
	 * @return the connection to hand to the tool
	 */
	static Connection open(Connection target, String tool, boolean legacyAlterTable) throws SQLException {
		SchemaChangeSession session = new SchemaChangeSession(target, tool);
		try {
			session.begin(legacyAlterTable);
		}
		catch (SQLException | RuntimeException ex) {
			session.close();
			throw ex;
		}
		return (Connection) Proxy.newProxyInstance(SchemaChangeSession.class.getClassLoader(),
				new Class<?>[] { Connection.class, SchemaChangeConnection.class }, session);
	}

	private void begin(boolean legacyAlterTable) throws SQLException {
		this.foreignKeysWereOn = flag("foreign_keys");
		this.legacyWas = flag("legacy_alter_table");
		this.legacyNow = this.legacyWas;
		if (this.foreignKeysWereOn) {
			setFlag("foreign_keys", false);
			if (flag("foreign_keys")) {
				throw new SQLException("PRAGMA foreign_keys = OFF did not take on the connection lent to " + this.tool
						+ ": SQLite changes it only outside a transaction, and one is open");
			}
		}
		if (legacyAlterTable) {
			useLegacyAlterTable(true);
		}
		this.checkedSchemaVersion = schemaVersion();
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		if (method.getDeclaringClass() == SchemaChangeConnection.class) {
			return invokeOn(this, method, args);
		}
		switch (method.getName()) {
			case "equals":
				return proxy == args[0];
			case "hashCode":
				return System.identityHashCode(proxy);
			case "toString":
				return "SchemaChange[" + this.tool + ", " + this.target + "]";
			case "unwrap":
				return ((Class<?>) args[0]).isInstance(proxy) ? proxy : this.target.unwrap((Class<?>) args[0]);
			case "isWrapperFor":
				return ((Class<?>) args[0]).isInstance(proxy) || this.target.isWrapperFor((Class<?>) args[0]);
			case "isClosed":
				return this.closed || this.target.isClosed();
			case "close":
				close();
				return null;
			case "commit":
				commit();
				return null;
			case "rollback":
				if (args == null) {
					this.pending = null;
				}
				break;
			default:
				break;
		}
		if (this.closed) {
			throw new SQLException("The connection lent to " + this.tool + " is closed");
		}
		return invokeOn(this.target, method, args);
	}

	private static Object invokeOn(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	@Override
	public void migrationStarting(String migration, boolean transactional) {
		this.pending = new Pending(migration, transactional);
	}

	@Override
	public void checkForeignKeys(String migration) throws SQLException {
		this.pending = null;
		if (!this.foreignKeysWereOn) {
			return;
		}
		// Asked before the check runs a statement, which would begin a transaction itself.
		boolean rolledBackOnFailure = transactionOpen();
		int schemaVersion = schemaVersion();
		ForeignKeyCheck.Result result = ForeignKeyCheck.run(this.target);
		if (result.total() > 0) {
			throw new MigrationForeignKeyException(this.tool, migration, result.violations(), result.total(),
					rolledBackOnFailure);
		}
		this.checkedSchemaVersion = schemaVersion;
	}

	@Override
	public void useLegacyAlterTable(boolean legacy) throws SQLException {
		boolean wanted = legacy || this.legacyWas;
		if (wanted != this.legacyNow) {
			// Unlike foreign_keys, this one changes inside a transaction too.
			setFlag("legacy_alter_table", wanted);
			this.legacyNow = wanted;
		}
	}

	@Override
	public Connection target() {
		return this.target;
	}

	/**
	 * SQLite's step 10 before step 11: check the migration's rows before its commit, so that a
	 * violation rolls it back. A commit no hook announced is checked when it changed the schema.
	 */
	private void commit() throws SQLException {
		if (this.closed) {
			throw new SQLException("The connection lent to " + this.tool + " is closed");
		}
		Pending migration = this.pending;
		this.pending = null;
		if (!this.foreignKeysWereOn || this.target.getAutoCommit()) {
			this.target.commit();
			return;
		}
		int schemaVersion = schemaVersion();
		if (migration != null || schemaVersion != this.checkedSchemaVersion) {
			ForeignKeyCheck.Result result = ForeignKeyCheck.run(this.target);
			if (result.total() > 0) {
				this.target.rollback();
				throw new MigrationForeignKeyException(this.tool, (migration != null) ? migration.name() : "transaction",
						result.violations(), result.total(), migration == null || migration.transactional());
			}
		}
		this.target.commit();
		this.checkedSchemaVersion = schemaVersion;
	}

	/** Give the connection back as it was lent; one whose pragmas can't be restored is replaced. */
	private void close() throws SQLException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			restore();
		}
		catch (SQLException | RuntimeException ex) {
			discard(ex);
		}
		finally {
			this.target.close();
		}
	}

	private void restore() throws SQLException {
		if (this.target.isClosed()) {
			return;
		}
		if (!this.target.getAutoCommit()) {
			// Rolled back first: switching auto-commit on would commit what the tool left.
			this.target.rollback();
			this.target.setAutoCommit(true);
		}
		if (!restoreFlags()) {
			// A transaction begun in SQL (a BEGIN in a migration) is still open, and foreign_keys does
			// not change inside it. kiwi-db would roll it back at give-back anyway.
			execute("ROLLBACK");
			if (!restoreFlags()) {
				throw new SQLException("PRAGMA foreign_keys = " + (this.foreignKeysWereOn ? "ON" : "OFF")
						+ " and legacy_alter_table = " + (this.legacyWas ? "ON" : "OFF") + " did not take");
			}
		}
	}

	private boolean restoreFlags() throws SQLException {
		setFlag("foreign_keys", this.foreignKeysWereOn);
		setFlag("legacy_alter_table", this.legacyWas);
		this.legacyNow = this.legacyWas;
		return flag("foreign_keys") == this.foreignKeysWereOn && flag("legacy_alter_table") == this.legacyWas;
	}

	private void discard(Exception cause) {
		logger.warn("Could not give the writer connection back to the application as " + this.tool
				+ " borrowed it (foreign keys " + (this.foreignKeysWereOn ? "on" : "off")
				+ "); closing it, so that kiwi-db opens a new one with the configured pragmas", cause);
		try {
			this.target.unwrap(SQLiteConnection.class).close();
		}
		catch (SQLException ex) {
			cause.addSuppressed(ex);
			logger.warn("Closing the writer connection failed too", ex);
		}
	}

	/**
	 * Whether SQLite has a transaction open on the connection. Auto-commit as the tool sees it does not
	 * say: kiwi-db begins a transaction at the first statement after auto-commit goes off, and Flyway
	 * turns it off again after running a migration outside a transaction. The driver's own flag on
	 * the physical connection says whether one has begun.
	 */
	private boolean transactionOpen() throws SQLException {
		return !this.target.unwrap(SQLiteConnection.class).getAutoCommit();
	}

	private boolean flag(String pragma) throws SQLException {
		try (Statement statement = this.target.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA " + pragma)) {
			return rows.next() && rows.getInt(1) != 0;
		}
	}

	private void setFlag(String pragma, boolean on) throws SQLException {
		execute("PRAGMA " + pragma + " = " + (on ? "ON" : "OFF"));
	}

	private int schemaVersion() throws SQLException {
		try (Statement statement = this.target.createStatement();
				ResultSet rows = statement.executeQuery("PRAGMA schema_version")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private void execute(String sql) throws SQLException {
		try (Statement statement = this.target.createStatement()) {
			statement.execute(sql);
		}
	}

	private record Pending(String name, boolean transactional) {
	}

}
