package io.kiwistack.db.replication;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Turns a replica URL into the {@link ReplicaClient} for it: {@code file:/dir},
 * {@code file:///dir} or {@code file:relative/dir} for a directory.
 */
public final class ReplicaUrl {

	private ReplicaUrl() {
	}

	/**
	 * Open a client for {@code url}.
	 * @throws IllegalArgumentException when the URL is not one kiwi-db can replicate to
	 */
	public static ReplicaClient open(String url) {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("A replica URL is required, for example file:/var/backups/app");
		}
		String trimmed = url.trim();
		if (trimmed.startsWith("file:")) {
			return new FileReplicaClient(filePath(trimmed));
		}
		throw new IllegalArgumentException("'" + trimmed + "' is not a replica URL kiwi-db knows: use file:/some/dir");
	}

	private static Path filePath(String url) {
		String rest = url.substring("file:".length());
		if (rest.startsWith("//")) {
			try {
				URI uri = new URI(url);
				if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
					throw new IllegalArgumentException("'" + url + "' names a host; a file replica URL is file:/some/dir");
				}
				return Path.of(uri.getPath());
			}
			catch (URISyntaxException ex) {
				throw new IllegalArgumentException("'" + url + "' is not a valid URL: " + ex.getMessage(), ex);
			}
		}
		if (rest.isEmpty()) {
			throw new IllegalArgumentException("'" + url + "' names no directory; use file:/some/dir");
		}
		return Path.of(rest);
	}

}
