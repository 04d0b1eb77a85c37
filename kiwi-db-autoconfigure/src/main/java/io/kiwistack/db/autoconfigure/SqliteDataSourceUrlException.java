package io.kiwistack.db.autoconfigure;

/**
 * {@code spring.datasource.url} names a SQLite database, which kiwi-db would open from
 * {@code kiwi.db.path} instead.
 */
public class SqliteDataSourceUrlException extends RuntimeException {

	private final String url;

	public SqliteDataSourceUrlException(String url) {
		super("spring.datasource.url is a SQLite URL (" + url + "); kiwi-db opens its database from kiwi.db.path");
		this.url = url;
	}

	/** The URL that is set. */
	public String url() {
		return this.url;
	}

	/**
	 * The database file the URL names, as {@code kiwi.db.path} would name it: the URL without its
	 * {@code jdbc:sqlite:} prefix, a {@code file:} scheme and query parameters.
	 */
	public String path() {
		String path = this.url.substring(DataSourceUrlCheck.SQLITE_PREFIX.length());
		if (path.startsWith("file:")) {
			path = path.substring("file:".length());
		}
		int query = path.indexOf('?');
		return (query >= 0) ? path.substring(0, query) : path;
	}

}
