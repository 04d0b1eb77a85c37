package io.kiwistack.db.replication;

import java.net.URI;
import java.util.Objects;

/**
 * How the nodes of one replica path reach each other: the base URL at which this node's service
 * answers the others (a primary publishes it in its claim, so followers stream from it and
 * forward writes to it) and the secret they all share.
 *
 * @param advertiseUrl this node's base URL, for example {@code http://10.0.0.5:8080}; {@code null}
 * for a node the others never need to reach (a replica, today)
 * @param secret the shared secret
 */
public record PeerSettings(String advertiseUrl, PeerSecret secret) {

	public PeerSettings {
		Objects.requireNonNull(secret, "secret");
		if (advertiseUrl != null) {
			advertiseUrl = checkedBaseUrl(advertiseUrl);
		}
	}

	/**
	 * {@code url} as a base URL peers can use: {@code http} or {@code https}, a host, no query, no
	 * trailing slash.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	public static String checkedBaseUrl(String url) {
		URI uri;
		try {
			uri = URI.create(url.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + url + "' is not a URL: " + ex.getMessage(), ex);
		}
		if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
			throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL with a host, such as "
					+ "http://10.0.0.5:8080");
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new IllegalArgumentException("'" + url + "' must be a base URL, without a query or fragment");
		}
		String text = uri.toString();
		while (text.endsWith("/")) {
			text = text.substring(0, text.length() - 1);
		}
		return text;
	}

}
