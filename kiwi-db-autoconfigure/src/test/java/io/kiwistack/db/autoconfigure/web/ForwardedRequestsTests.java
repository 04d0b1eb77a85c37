package io.kiwistack.db.autoconfigure.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which requests a read replica forwards: the configured methods, except under excluded paths,
 * the actuator's base path and the peer prefix, judged on the path the container maps.
 */
class ForwardedRequestsTests {

	private final ForwardedRequests forwarded = new ForwardedRequests(List.of("post", " PUT", "PATCH", "DELETE"),
			List.of("/login", "/local/**"), "/manage");

	@Test
	void writesAreForwardedAndReadsAreNot() {
		assertThat(this.forwarded.forwards(request("POST", "/notes"))).isTrue();
		assertThat(this.forwarded.forwards(request("put", "/notes/1"))).isTrue();
		assertThat(this.forwarded.forwards(request("DELETE", "/"))).isTrue();
		assertThat(this.forwarded.forwards(request("GET", "/notes"))).isFalse();
		assertThat(this.forwarded.forwards(request("OPTIONS", "/notes"))).isFalse();
	}

	@Test
	void excludedActuatorAndPeerPathsAreNeverForwarded() {
		assertThat(this.forwarded.forwards(request("POST", "/login"))).isFalse();
		assertThat(this.forwarded.forwards(request("POST", "/local/cache/clear"))).isFalse();
		assertThat(this.forwarded.forwards(request("POST", "/manage"))).isFalse();
		assertThat(this.forwarded.forwards(request("POST", "/manage/shutdown"))).isFalse();
		assertThat(this.forwarded.forwards(request("POST", "/kiwi-db/log"))).isFalse();
		assertThat(this.forwarded.forwards(request("POST", "/managers"))).as("only under the base path").isTrue();
		assertThat(this.forwarded.forwards(request("POST", "/login/other"))).isTrue();
	}

	@Test
	void thePathIsTheOneTheServletMapsWithinItsContext() {
		MockHttpServletRequest request = request("POST", "/shutdown");
		request.setContextPath("/app");
		request.setServletPath("/manage");
		request.setRequestURI("/app/api/../manage/shutdown");
		assertThat(this.forwarded.forwards(request)).isFalse();
	}

	private static MockHttpServletRequest request(String method, String path) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		request.setServletPath("");
		request.setPathInfo(path);
		return request;
	}

}
