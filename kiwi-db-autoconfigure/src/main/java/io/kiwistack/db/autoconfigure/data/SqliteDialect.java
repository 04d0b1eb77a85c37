package io.kiwistack.db.autoconfigure.data;

import java.util.Collection;

import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.relational.core.dialect.AbstractDialect;
import org.springframework.data.relational.core.dialect.IdGeneration;
import org.springframework.data.relational.core.dialect.LimitClause;
import org.springframework.data.relational.core.dialect.LockClause;
import org.springframework.data.relational.core.sql.IdentifierProcessing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.LetterCasing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.Quoting;
import org.springframework.data.relational.core.sql.LockOptions;
import org.springframework.data.relational.core.sql.render.UpsertRenderContext;
import org.springframework.data.relational.core.sql.render.UpsertRenderContexts;

/**
 * Spring Data JDBC's {@link JdbcDialect} for SQLite: {@code LIMIT}/{@code OFFSET} paging, no lock
 * clause, double-quoted identifiers kept as written, booleans as integers, and {@code Instant},
 * {@code LocalDateTime} and {@code LocalDate} as fixed-width ISO-8601 text that SQLite's date and
 * time functions read.
 * <p>
 * Generated ids are read from the keys of each insert. The driver reports only the last id of a
 * batch, so new aggregates saved together are inserted one by one.
 * <p>
 * SQLite has no row locks: a write transaction holds the database's write lock from its
 * {@code BEGIN IMMEDIATE} on, so {@code @Lock} on a repository method adds nothing to the SQL.
 */
public class SqliteDialect extends AbstractDialect implements JdbcDialect {

	/** The dialect, stateless and shared. */
	public static final SqliteDialect INSTANCE = new SqliteDialect();

	private static final IdentifierProcessing IDENTIFIER_PROCESSING = IdentifierProcessing.create(new Quoting("\""),
			LetterCasing.AS_IS);

	private static final LimitClause LIMIT_CLAUSE = new LimitClause() {

		@Override
		public String getLimit(long limit) {
			return "LIMIT " + limit;
		}

		@Override
		public String getOffset(long offset) {
			return "LIMIT -1 OFFSET " + offset;
		}

		@Override
		public String getLimitOffset(long limit, long offset) {
			return "LIMIT " + limit + " OFFSET " + offset;
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	private static final IdGeneration ID_GENERATION = new IdGeneration() {

		@Override
		public boolean supportedForBatchOperations() {
			return false;
		}

	};

	private static final LockClause NO_LOCK_CLAUSE = new LockClause() {

		@Override
		public String getLock(LockOptions lockOptions) {
			return "";
		}

		@Override
		public Position getClausePosition() {
			return Position.AFTER_ORDER_BY;
		}

	};

	protected SqliteDialect() {
	}

	@Override
	public String getName() {
		return "SQLite";
	}

	@Override
	public LimitClause limit() {
		return LIMIT_CLAUSE;
	}

	@Override
	public LockClause lock() {
		return NO_LOCK_CLAUSE;
	}

	@Override
	public IdentifierProcessing getIdentifierProcessing() {
		return IDENTIFIER_PROCESSING;
	}

	@Override
	public IdGeneration getIdGeneration() {
		return ID_GENERATION;
	}

	@Override
	public Collection<Object> getConverters() {
		return SqliteConverters.all();
	}

	@Override
	public boolean supportsSingleQueryLoading() {
		return false;
	}

	@Override
	public UpsertRenderContext getUpsertRenderContext() {
		return UpsertRenderContexts.UNSUPPORTED;
	}

}
