package io.kiwistack.db.autoconfigure.web;

import io.kiwistack.db.replication.Position;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code kiwi-db-position} cookie as clients send it back: bare (browsers, curl) or in the
 * double quotes RFC 6265 allows (the JDK's {@code CookieManager}), which Tomcat keeps.
 */
class PositionCookieTests {

	private static final String POSITION = "01a2328bc9ad34e2/00000002:000fa778";

	@Test
	void aBareValueIsThePosition() {
		assertThat(PositionCookie.of(request(POSITION))).hasValue(Position.parse(POSITION));
	}

	@Test
	void aQuotedValueIsThePosition() {
		assertThat(PositionCookie.of(request("\"" + POSITION + "\""))).hasValue(Position.parse(POSITION));
	}

	@Test
	void garbageOrNoCookieNamesNoPosition() {
		assertThat(PositionCookie.of(request("\"not a position\""))).isEmpty();
		assertThat(PositionCookie.of(request("\""))).isEmpty();
		assertThat(PositionCookie.of(new MockHttpServletRequest())).isEmpty();
	}

	private static MockHttpServletRequest request(String value) {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new Cookie("kiwi-db-position", value));
		return request;
	}

}
