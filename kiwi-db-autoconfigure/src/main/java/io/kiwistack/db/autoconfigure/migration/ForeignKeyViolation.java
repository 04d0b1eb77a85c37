package io.kiwistack.db.autoconfigure.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * One row that {@code PRAGMA foreign_key_check} reports: a row of {@link #table()} whose foreign key
 * columns reference a row of {@link #parent()} that does not exist (or a parent table that does not).
 *
 * @param table the table that holds the row
 * @param rowid the row's rowid, {@code null} for a {@code WITHOUT ROWID} table
 * @param parent the table the foreign key references
 * @param columns the row's foreign key columns
 * @param parentColumns the referenced columns, empty when the key references the parent's primary
 * key without naming it
 * @param values the row's values in {@link #columns()}, {@code null} when the row can't be read back
 * by rowid
 * @param parentExists whether the parent table exists
 */
public record ForeignKeyViolation(String table, Long rowid, String parent, List<String> columns,
		List<String> parentColumns, List<String> values, boolean parentExists) {

	/** For example {@code orders row 2 (customer_id = 99) references customer (id), which has no such row}. */
	public String describe() {
		StringBuilder text = new StringBuilder();
		text.append((this.rowid != null) ? this.table + " row " + this.rowid : "a row of " + this.table);
		if (!this.columns.isEmpty()) {
			List<String> shown = new ArrayList<>();
			for (int i = 0; i < this.columns.size(); i++) {
				shown.add((this.values != null) ? this.columns.get(i) + " = " + this.values.get(i) : this.columns.get(i));
			}
			text.append(" (").append(String.join(", ", shown)).append(")");
		}
		text.append(" references ").append(this.parent);
		if (!this.parentColumns.isEmpty()) {
			text.append(" (").append(String.join(", ", this.parentColumns)).append(")");
		}
		text.append(this.parentExists ? ", which has no such row" : ", a table that does not exist");
		return text.toString();
	}

}
