package io.kiwistack.db.autoconfigure.web;

import java.util.Optional;

import io.kiwistack.db.replication.PeerProtocol;
import io.kiwistack.db.replication.Position;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@code kiwi-db-position} cookie: the position of a client's last write, which every node
 * waits to have applied before answering the client. A position's text ({@code <generation>/<index>:<offset>},
 * hex digits) is a valid RFC 6265 cookie value as it is: '/' and ':' are cookie octets, so it
 * travels unencoded, and Tomcat's cookie processor reads it back unchanged unless the client quoted it.
 */
final class PositionCookie {

	/** At least the five minutes clients are promised; longer only keeps waits for positions long reached. */
	static final int MAX_AGE_SECONDS = 300;

	private PositionCookie() {
	}

	/** The {@code Set-Cookie} value for {@code position}; {@code Secure} only on a request that came over HTTPS. */
	static String setCookie(Position position, boolean secure) {
		return PeerProtocol.POSITION_COOKIE + "=" + position + "; Path=/; Max-Age=" + MAX_AGE_SECONDS + "; HttpOnly"
				+ (secure ? "; Secure" : "");
	}

	/** The position the request's cookie names; empty without one, or when it names none (it is ignored then). */
	static Optional<Position> of(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return Optional.empty();
		}
		for (Cookie cookie : cookies) {
			if (PeerProtocol.POSITION_COOKIE.equals(cookie.getName()) && cookie.getValue() != null) {
				try {
					return Optional.of(Position.parse(unquoted(cookie.getValue().strip())));
				}
				catch (IllegalArgumentException ex) {
					// Garbage, or a cookie of another application of the same name: never a reason to fail a request.
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The value without the double quotes RFC 6265 allows around it, which Tomcat keeps: the JDK's
	 * {@code java.net.CookieManager} sends a cookie set with {@code Max-Age} (and no {@code Expires})
	 * that way, as an RFC 2965 cookie.
	 */
	private static String unquoted(String value) {
		if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			return value.substring(1, value.length() - 1);
		}
		return value;
	}

}
