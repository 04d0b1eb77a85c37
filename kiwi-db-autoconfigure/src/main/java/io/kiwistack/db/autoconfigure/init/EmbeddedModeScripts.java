package io.kiwistack.db.autoconfigure.init;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.kiwistack.db.autoconfigure.KiwiDbDataSource;

import org.springframework.boot.sql.init.AbstractScriptDatabaseInitializer.Scripts;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.EncodedResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.FileCopyUtils;

/**
 * How a script-based initializer in Boot's {@code embedded} mode (the default of
 * {@code spring.sql.init.mode}, {@code spring.batch.jdbc.initialize-schema},
 * {@code spring.session.jdbc.initialize-schema} and others) runs its scripts on kiwi-db. Boot runs
 * them on embedded databases only, and tells those by their product name, which SQLite's is not.
 * kiwi-db is an embedded database that keeps its file across restarts, so it runs them once:
 * <ul>
 * <li>a script none of whose tables, indexes, views or triggers exists yet runs whole, as on a new
 * embedded database;</li>
 * <li>a script all of whose objects exist is skipped, so a restart neither fails on them nor
 * duplicates them;</li>
 * <li>a script only some of whose objects exist stops startup with a
 * {@link SchemaScriptPartlyAppliedException}: running it would fail, and skipping it would leave
 * the schema incomplete;</li>
 * <li>a script that creates nothing (data) runs only when a script of the same initializer
 * created its objects in this start.</li>
 * </ul>
 * On a read replica nothing runs: the schema arrives with the primary's data.
 */
public final class EmbeddedModeScripts {

	private final DataSource dataSource;

	private final String modeProperty;

	private final boolean embeddedMode;

	private boolean createdSchema;

	/**
	 * Create the scripts policy of one initializer.
	 * @param dataSource the initializer's data source
	 * @param modeProperty the property that sets the initializer's mode, for error messages
	 * @param mode the initializer's mode: only {@code embedded} selects scripts
	 */
	public EmbeddedModeScripts(DataSource dataSource, String modeProperty, DatabaseInitializationMode mode) {
		this.dataSource = dataSource;
		this.modeProperty = modeProperty;
		this.embeddedMode = mode == DatabaseInitializationMode.EMBEDDED;
	}

	/**
	 * The scripts an initializer runs: in {@code embedded} mode on kiwi-db those {@link #select}
	 * picks, otherwise all of them, as Boot runs them.
	 */
	public Scripts scriptsToRun(Scripts scripts) {
		return (this.embeddedMode && appliesToDataSource()) ? select(scripts) : scripts;
	}

	/** Whether the data source is a kiwi-db database that takes writes, which this policy is for. */
	public boolean appliesToDataSource() {
		return this.dataSource instanceof KiwiDbDataSource kiwiDb
				&& kiwiDb.getKiwiDataSource().settings().replicaOf() == null;
	}

	/**
	 * The scripts to run, with their settings.
	 * @param scripts the scripts Boot would run on an embedded database
	 * @return those to run on this one
	 * @throws SchemaScriptPartlyAppliedException when some of a script's objects exist and others don't
	 */
	public Scripts select(Scripts scripts) {
		Set<SchemaObject> existing = existingObjects();
		List<Resource> selected = new ArrayList<>();
		for (Resource script : scripts) {
			List<SchemaObject> objects = SchemaObject.createdBy(read(script, scripts));
			List<SchemaObject> present = objects.stream().filter(existing::contains).toList();
			if (objects.isEmpty()) {
				if (this.createdSchema) {
					selected.add(script);
				}
			}
			else if (present.isEmpty()) {
				selected.add(script);
				this.createdSchema = true;
			}
			else if (present.size() < objects.size()) {
				List<SchemaObject> missing = objects.stream().filter((object) -> !existing.contains(object)).toList();
				throw new SchemaScriptPartlyAppliedException(script.getDescription(), present, missing,
						this.modeProperty);
			}
		}
		return new Scripts(selected).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(scripts.getEncoding());
	}

	private Set<SchemaObject> existingObjects() {
		return new HashSet<>(new JdbcTemplate(this.dataSource).query("SELECT type, name FROM sqlite_master",
				(row, number) -> SchemaObject.of(row.getString(1), row.getString(2))));
	}

	private static String read(Resource script, Scripts scripts) {
		EncodedResource encoded = (scripts.getEncoding() != null) ? new EncodedResource(script, scripts.getEncoding())
				: new EncodedResource(script);
		try (Reader reader = encoded.getReader()) {
			return FileCopyUtils.copyToString(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the SQL script " + script.getDescription(), ex);
		}
	}

}
