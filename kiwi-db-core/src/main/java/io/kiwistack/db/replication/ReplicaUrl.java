package io.kiwistack.db.replication;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import io.kiwistack.db.replication.file.FileReplicaClient;
import io.kiwistack.db.replication.s3.S3ReplicaClient;
import io.kiwistack.db.replication.s3.S3Settings;

/**
 * Turns a replica URL into the {@link ReplicaClient} for it: {@code file:/dir},
 * {@code file:///dir} or {@code file:relative/dir} for a directory; {@code s3://bucket/path} for
 * S3-compatible storage, which needs the AWS SDK's {@code software.amazon.awssdk:s3} on the class
 * path.
 */
public final class ReplicaUrl {

	private ReplicaUrl() {
	}

	/**
	 * Open a client for {@code url}.
	 * @throws IllegalArgumentException when the URL is not one kiwi-db can replicate to
	 */
	public static ReplicaClient open(String url) {
		return open(url, S3Settings.defaults());
	}

	/**
	 * Open a client for {@code url}, reaching S3 with {@code s3}.
	 * @throws IllegalArgumentException when the URL is not one kiwi-db can replicate to
	 */
	public static ReplicaClient open(String url, S3Settings s3) {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("A replica URL is required, for example file:/var/backups/app");
		}
		String trimmed = url.trim();
		if (trimmed.startsWith("file:")) {
			return new FileReplicaClient(filePath(trimmed));
		}
		if (trimmed.startsWith("s3://")) {
			return s3Client(trimmed, s3);
		}
		throw new IllegalArgumentException(
				"'" + trimmed + "' is not a replica URL kiwi-db knows: use file:/some/dir or s3://bucket/path");
	}

	private static ReplicaClient s3Client(String url, S3Settings settings) {
		if (!isPresent("software.amazon.awssdk.services.s3.S3Client")
				|| !isPresent("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")) {
			throw new IllegalArgumentException("An s3:// replica needs the AWS SDK on the class path: add "
					+ "software.amazon.awssdk:s3 and software.amazon.awssdk:url-connection-client");
		}
		String rest = url.substring("s3://".length());
		int slash = rest.indexOf('/');
		String bucket = (slash < 0) ? rest : rest.substring(0, slash);
		String path = (slash < 0) ? "" : rest.substring(slash + 1);
		if (bucket.isEmpty()) {
			throw new IllegalArgumentException("'" + url + "' names no bucket; use s3://bucket/path");
		}
		return S3ReplicaClient.create(bucket, path, settings);
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, ReplicaUrl.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
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
